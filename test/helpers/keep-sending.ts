// Clients that keep requests flowing through an envoy listener on keep-alive connections and account for every
// request they started: the witness that a drain or another envoy's restart cost no request.
import { http } from './node-http.js';

export interface Tally {
  started: number;
  completed: number;
  failures: string[];
  /** Responses with "connection: close": how envoy ends keep-alive connections while it drains. */
  drainClosed: number;
}

/** `loops` clients on one keep-alive pool, each sending its next request as soon as the last one is answered. */
export function keepSending(port: number, loops: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: loops });
  const tally: Tally = { started: 0, completed: 0, failures: [], drainClosed: 0 };
  let stopped = false;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      tally.started += 1;
      const n = tally.started;
      const req = http.get({ host: '127.0.0.1', port, path: `/r${n}`, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => {
          if (res.statusCode === 200 && body.endsWith(` /r${n}\n`)) tally.completed += 1; // startApp echoes the path
          else tally.failures.push(`#${n}: ${res.statusCode} ${body}`);
          if (res.headers.connection === 'close') tally.drainClosed += 1;
          resolve();
        });
        res.on('error', (e) => (tally.failures.push(`#${n}: ${e.message}`), resolve()));
      });
      req.on('error', (e) => (tally.failures.push(`#${n}: ${e.message}`), resolve()));
    });
  const running = Array.from({ length: loops }, async () => {
    while (!stopped) await one();
  });
  return {
    tally,
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all(running);
      agent.destroy();
    },
  };
}

