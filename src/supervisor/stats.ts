import type { EnvoyExit } from '../envoy/process.js';

/** Counters and gauges about envoy's lifecycle, for logs now and the metrics endpoint (issue 6). */
export class SupervisorStats {
  starts = 0;
  hotRestarts = 0;
  crashes = 0;
  reloadsRejected = 0;
  currentEpoch = -1;
  lastDrainMs = 0;
  readonly #tails = new Map<number, readonly string[]>();

  started(epoch: number): void {
    this.starts += 1;
    if (epoch > 0) this.hotRestarts += 1;
    this.currentEpoch = epoch;
  }

  exited(epoch: number, exit: EnvoyExit, stderr: readonly string[]): void {
    if (exit.status !== 0) this.crashes += 1;
    this.#tails.set(epoch, [...stderr]);
    // Only the newest few epochs matter for a crash report.
    for (const old of [...this.#tails.keys()].filter((e) => e < epoch - 3)) this.#tails.delete(old);
  }

  reloadRejected(): void {
    this.reloadsRejected += 1;
  }

  drained(ms: number): void {
    this.lastDrainMs = ms;
  }

  lastStderr(epoch: number): readonly string[] {
    return this.#tails.get(epoch) ?? [];
  }
}
