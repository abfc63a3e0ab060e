// The one home of the tests' network helpers: a free port, one HTTP exchange on a fresh
// connection, and waiting for a condition that an event will make true.
import { readFileSync } from 'node:fs';
import { http, type Http } from './node-http.js';
import net from 'node:net';
import { setTimeout as tick } from 'node:timers/promises';

/**
 * A port for a process the test starts (agent, envoy) to bind: picked at random below the ephemeral range,
 * and proven free by a bind that succeeds (never a fixed number). A port-0 pick comes from inside the
 * ephemeral range and is free again once checked, so any outgoing connection on the machine may take it as
 * its local port before the agent or envoy binds it: the likely cause of an envoy that started five times
 * in one test on a busy machine (an envoy restarted on EADDRINUSE until the connection closed).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = handOut.low + Math.floor(Math.random() * (handOut.high - handOut.low));
    if (handOut.given.has(port)) continue;
    if (await bindable(port)) {
      handOut.given.add(port);
      return port;
    }
  }
}

const handOut = (() => {
  let ephemeralLow = 32768;
  try {
    ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1').trim().split(/\s+/)[0]) || ephemeralLow;
  } catch {
    // not Linux: the usual default
  }
  // Well above the ports the seed and Istio use (15000–15090) and below the ephemeral range.
  const low = Math.min(20000, ephemeralLow - 2000);
  // Each of tap's parallel jobs picks from a slice of its own: two test files running side by side could otherwise
  // draw the same port, both prove it free, and the second agent to bind it exits 2 (seen once in a full run).
  const jobs = Number(process.env.TAP_JOBS) || 1;
  const job = Number(process.env.TAP_JOB_ID);
  if (!(jobs > 1 && job >= 0 && job < jobs)) return { low, high: ephemeralLow, given: new Set<number>() };
  const size = Math.floor((ephemeralLow - low) / jobs);
  return { low: low + job * size, high: low + (job + 1) * size, given: new Set<number>() };
})();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export interface Reply {
  readonly status: number;
  readonly headers: Http.IncomingHttpHeaders;
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

/**
 * Run `step` again and again while `running()`, with a pause of `everyMs` after each: the pace of a load or probe
 * loop (how dense, not how long), never a wait that decides an outcome.
 */
export async function repeatWhile(running: () => boolean, everyMs: number, step: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; running(); i++) {
    await step(i);
    await tick(everyMs);
  }
}
