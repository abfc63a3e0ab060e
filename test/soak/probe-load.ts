// Kubelet-like probe load while the chaos runs: readiness straight on the status port and through
// envoy's health listener, plus merged-metrics scrapes. Every readiness answer is kept with the
// moments its request was sent and its answer received: the invariants reason about that ordering.
import { request } from 'node:http';
import type { Ports } from '../helpers/running-agent.js';

export type ProbeVia = 'status' | 'envoy';

export interface Probe {
  readonly via: ProbeVia;
  /** Date.now() just before the request was written, and once the whole answer was read. */
  readonly sentAt: number;
  readonly answeredAt: number;
  /** HTTP status, or 0 when there was no answer (refused, reset, timed out). */
  readonly status: number;
  readonly body: string;
}

export function probeOnce(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    // A new connection each time, as kubelet probes do.
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (e) => resolve({ status: 0, body: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: e.message }));
    req.end();
  });
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ProbeLoad {
  readonly readiness: Probe[] = [];
  scrapes = 0;
  scrapeFailures = 0;
  #running = false;
  #loops: Promise<void>[] = [];

  constructor(readonly ports: Ports) {}

  /** Two readiness loops on the status port, one through envoy, one scraper; each waits between requests. */
  start(): void {
    this.#running = true;
    this.#loops = [this.#readinessLoop('status', 20), this.#readinessLoop('status', 35), this.#readinessLoop('envoy', 25), this.#scrapeLoop(250)];
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  async #readinessLoop(via: ProbeVia, gapMs: number): Promise<void> {
    const port = via === 'status' ? this.ports.status : this.ports.envoyStatus;
    while (this.#running) {
      const sentAt = Date.now();
      const { status, body } = await probeOnce(port, '/healthz/ready');
      this.readiness.push({ via, sentAt, answeredAt: Date.now(), status, body: body.slice(0, 200) });
      await pause(gapMs);
    }
  }

  async #scrapeLoop(gapMs: number): Promise<void> {
    while (this.#running) {
      const { status } = await probeOnce(this.ports.status, '/stats/prometheus');
      this.scrapes += 1;
      if (status !== 200) this.scrapeFailures += 1;
      await pause(gapMs);
    }
  }
}
