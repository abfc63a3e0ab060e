import { Agent, request } from 'undici';

// One HTTP request with a single deadline covering connect, headers and body, and failures turned
// into short reasons a human reads in a FailedPostStartHook event ("connection refused", …).

export interface Exchange {
  readonly status: number;
  readonly body: string;
}

export interface ExchangeOptions {
  readonly method: string;
  readonly url: string;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly dispatcher: Agent;
}

/** A request that got no usable response; `reason` is one line without the URL. */
export class ExchangeError extends Error {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'ExchangeError';
  }
}

/** A client for loopback targets: no keep-alive surprises, connect bounded like the rest. */
export function loopbackDispatcher(): Agent {
  return new Agent({ pipelining: 1, keepAliveTimeout: 1_000, connect: { timeout: 10_000 } });
}

export async function exchange(opts: ExchangeOptions): Promise<Exchange> {
  const deadline = new AbortController();
  const timedOut = new ExchangeError(`no response within ${opts.timeoutMs}ms`);
  const timer = setTimeout(() => deadline.abort(timedOut), opts.timeoutMs);
  try {
    const res = await request(opts.url, {
      method: opts.method,
      dispatcher: opts.dispatcher,
      signal: deadline.signal,
      ...(opts.body !== undefined && opts.body !== '' ? { body: opts.body } : {}),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    return { status: res.statusCode, body: await res.body.text() };
  } catch (e) {
    if (deadline.signal.aborted) throw timedOut;
    throw new ExchangeError(describeFailure(e), { cause: e });
  } finally {
    clearTimeout(timer);
  }
}

const reasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed before a complete response',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
};

function describeFailure(e: unknown): string {
  const err = e as { code?: string; message?: string; address?: string; port?: number };
  const where = err.address !== undefined && err.port !== undefined ? ` (${err.address}:${err.port})` : '';
  const known = err.code !== undefined ? reasons[err.code] : undefined;
  if (known) return `${known}${where}`;
  const message = (err.message ?? String(e)).split('\n')[0]!;
  return err.code ? `${err.code}: ${message}` : message;
}
