// The one home of the tests' network helpers: a port from the OS, one HTTP exchange on a fresh
// connection, and waiting for a condition that an event will make true.
import http from 'node:http';
import net from 'node:net';
import { setTimeout as tick } from 'node:timers/promises';

/** A port that was free a moment ago (bind 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP request on a fresh connection (no keep-alive pool to skew connection counts). */
export function request(url: string, method = 'GET', headers: Record<string, string> = {}, timeoutMs?: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** `request` to 127.0.0.1:`port`, bounded at 5 s. */
export async function httpRequest(method: string, port: number, path: string): Promise<{ status: number; body: string }> {
  const { status, body } = await request(`http://127.0.0.1:${port}${path}`, method, {}, 5_000);
  return { status, body };
}

/**
 * Poll `probe` until it gives a value: the one polling loop of the tests. An event (a log line, a counter, a
 * stub event, a process state) decides; the bound only turns a hang into a failure (Infinity: tap's per-file
 * timeout bounds it).
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick(everyMs);
  }
}
