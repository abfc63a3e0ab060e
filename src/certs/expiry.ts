import type { Logger } from 'pino';
import { metrics } from '../metrics/registry.js';
import type { FileExpiry } from './validate.js';

/**
 * The expiry of the certificates envoy runs with: exported as a gauge, warned about once when it
 * enters the warning window and once more when it has passed (Istio #3155: an outage nobody saw coming).
 */
export class ExpiryWatch {
  #tracked: readonly FileExpiry[] = [];
  readonly #said = new Set<string>();

  readonly warningMs: number;
  readonly log: Logger;
  readonly now: () => number;

  constructor(
    warningMs: number,
    log: Logger,
    now: () => number = Date.now,
  ) {
    this.warningMs = warningMs;
    this.log = log;
    this.now = now;
  }

  track(expiries: readonly FileExpiry[]): void {
    this.#tracked = expiries;
    this.#said.clear();
    for (const e of expiries) metrics.certExpiry.set({ file: e.path }, Math.floor(e.notAfter / 1000));
    this.check();
  }

  check(): void {
    const now = this.now();
    for (const e of this.#tracked) {
      const left = e.notAfter - now;
      const fields = { file: e.path, notAfter: e.notAfter }; // epoch ms, as every time in the log
      if (left <= 0) {
        if (this.#once(`${e.path}:expired`)) this.log.error(fields, 'certificate has expired; TLS with it fails until the files are renewed');
      } else if (left <= this.warningMs) {
        if (this.#once(`${e.path}:soon`)) this.log.warn({ ...fields, expiresInMs: left }, 'certificate expires soon');
      }
    }
  }

  #once(key: string): boolean {
    if (this.#said.has(key)) return false;
    this.#said.add(key);
    return true;
  }
}
