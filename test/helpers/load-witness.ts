// The witness of "no request lost while envoy hot-restarts": clients sending through a listener on kept-alive
// connections and on a new connection per request, each accounting for every request it started, and a probe loop
// on the agent's readiness (status port and envoy's health listener) that keeps every answer. Start it before the
// trigger, stop it after the event that ends the hot restart: the window covers it by construction.
//
// Node's own http client, not autocannon (8.0), tried first against real Envoy with no hot restart at all: with a
// `connection: close` header it writes its next request onto the connection Envoy is closing (5 ECONNRESET and half
// the requests unanswered in 4 s), with reconnectRate it drops every response before counting it, and its
// `requests.sent` counts `rate` requests per connection up front, so "every request started was answered" cannot be
// checked. Its kept-alive mode was fine (500 of 500 answered across a hot restart).
import { http } from './node-http.js';
import { repeatWhile, request } from './net.js';

export type LoadKind = 'keep-alive' | 'new connection per request';

export interface LoadTally {
  started: number;
  /** 200 with the app's body. */
  answered: number;
  failures: string[];
  /** Kept-alive responses with "connection: close": envoy's drain ending a connection gracefully. */
  drainClosed: number;
}

export interface LoadRun {
  readonly kind: LoadKind;
  readonly connections: number;
  readonly tally: LoadTally;
  /** Stop sending; resolves once every request started has its answer or failure. */
  stop(): Promise<void>;
}

/**
 * `connections` loops through `port`, each sending its next request `everyMs` after the last one was answered
 * (about 100 requests a second per kind by default: enough to cover a hot restart densely, cheap on 2 cores).
 */
export function startLoad(port: number, kind: LoadKind, opts: { connections?: number; everyMs?: number; expectBody: (path: string) => string }): LoadRun {
  const connections = opts.connections ?? 2;
  const agent = kind === 'keep-alive' ? new http.Agent({ keepAlive: true, maxSockets: connections }) : false;
  const tally: LoadTally = { started: 0, answered: 0, failures: [], drainClosed: 0 };
  let on = true;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const path = `/load/${++tally.started}`;
      const fail = (why: string): void => (tally.failures.push(`${path}: ${why}`), resolve());
      const req = http.get({ host: '127.0.0.1', port, path, agent, timeout: 10_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('error', (e) => fail(e.message));
        res.on('end', () => {
          if (res.statusCode !== 200 || body !== opts.expectBody(path)) return fail(`${res.statusCode} ${body.trim()}`);
          tally.answered += 1;
          if (res.headers.connection === 'close' && kind === 'keep-alive') tally.drainClosed += 1;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', (e) => fail(`${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`.trim()));
    });
  const loops = Array.from({ length: connections }, () => repeatWhile(() => on, opts.everyMs ?? 20, one));
  return {
    kind,
    connections,
    tally,
    async stop() {
      on = false;
      await Promise.all(loops);
      if (agent) agent.destroy();
    },
  };
}

export interface ReadinessRecord {
  /** Every answer, in order: status and, when not 200, the body. */
  readonly answers: { readonly via: 'status' | 'envoy'; readonly status: number; readonly body: string }[];
  stop(): Promise<void>;
}

/** Probe /healthz/ready back to back, alternating between the agent's status port and envoy's health listener. */
export function watchReadiness(ports: { status: number; envoyStatus: number }, everyMs = 5): ReadinessRecord {
  const answers: ReadinessRecord['answers'] = [];
  let on = true;
  // By default ~100 probes a second at most: dense, not a CPU hog.
  const loop = repeatWhile(() => on, everyMs, async (i) => {
    const via = i % 2 === 0 ? 'status' : 'envoy';
    const port = via === 'status' ? ports.status : ports.envoyStatus;
    const r = await request(`http://127.0.0.1:${port}/healthz/ready`, 'GET', {}, 5_000).catch((e: Error) => ({ status: 0, body: e.message }));
    answers.push({ via, status: r.status, body: r.status === 200 ? '' : r.body.trim() });
  });
  return {
    answers,
    async stop() {
      on = false;
      await loop;
    },
  };
}
