import type { ServerOptions } from 'node:http';

/**
 * node:http's limits on slow clients, chosen so the README's bounds hold exactly. Node finds expired
 * requests only when it checks, every connectionsCheckingInterval, so a client is cut off (408) at
 * most headersTimeout + interval after its request began: the interval is taken out of each limit.
 * headersTimeout runs from the request's first byte and is absolute: a client dribbling a byte at a
 * time (slowloris) is cut off as surely as a silent one.
 */
export function slowClientLimits(headersBoundMs: number): ServerOptions {
  const checkEveryMs = Math.max(10, Math.round(headersBoundMs / 10));
  return {
    headersTimeout: headersBoundMs - checkEveryMs,
    requestTimeout: requestBoundMs - checkEveryMs,
    connectionsCheckingInterval: checkEveryMs,
    keepAliveTimeout: 5_000,
  };
}

/** A whole request (no endpoint reads a body, but a client may send one) within 30 s. */
const requestBoundMs = 30_000;
