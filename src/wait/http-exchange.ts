import type { ClientRequest, IncomingMessage } from 'node:http';

// One HTTP request with a single deadline covering connect, headers and body, and failures turned
// into short reasons a human reads in a FailedPostStartHook event ("connection refused", …).
//
// node:http and node:https, not undici: `wait` is the postStart hook the app container waits on, and
// loading undici was ~130 ms of its ~200 ms of CPU. Each request has its own connection (a loopback poll
// every half second costs a handshake, and no idle connection can go stale under the next attempt). Both are
// taken as Node's CommonJS objects: an ESM import of node:http loads Node's bundled undici after all.
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

export interface Exchange {
  readonly status: number;
  readonly body: string;
}

export interface ExchangeOptions {
  readonly method: string;
  readonly url: string;
  readonly body?: string;
  readonly timeoutMs: number;
}

/** A request that got no usable response; `reason` is one line without the URL. */
export class ExchangeError extends Error {
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.reason = reason;
    this.name = 'ExchangeError';
  }
}

/** A target that accepts no connection in this long is reported as such, not as a slow answer. */
const connectTimeoutMs = 10_000;

export function exchange(opts: ExchangeOptions): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const url = new URL(opts.url);
    const body = opts.body !== undefined && opts.body !== '' ? Buffer.from(opts.body) : undefined;
    const req: ClientRequest = (url.protocol === 'https:' ? https : http).request(url, {
      method: opts.method,
      agent: false,
      headers: body ? { 'content-length': body.length } : {},
    });
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      return true;
    };
    const fail = (err: ExchangeError): void => {
      if (!settle()) return;
      req.destroy();
      reject(err);
    };
    timers.push(setTimeout(() => fail(new ExchangeError(`no response within ${opts.timeoutMs}ms`)), opts.timeoutMs));
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connect = setTimeout(() => fail(new ExchangeError('connect timeout')), connectTimeoutMs);
      timers.push(connect);
      socket.once('connect', () => clearTimeout(connect));
    });
    req.on('error', (e) => fail(new ExchangeError(describeFailure(e), { cause: e })));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (e) => fail(new ExchangeError(describeFailure(e), { cause: e })));
      res.on('end', () => {
        if (settle()) resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(body);
  });
}

const reasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function describeFailure(e: unknown): string {
  const err = e as { code?: string; message?: string; address?: string; port?: number };
  const where = err.address !== undefined && err.port !== undefined ? ` (${err.address}:${err.port})` : '';
  const known = err.code !== undefined ? reasons[err.code] : undefined;
  if (known) return `${known}${where}`;
  const message = (err.message ?? String(e)).split('\n')[0]!;
  return err.code ? `${err.code}: ${message}` : message;
}
