import type { EnvoyExit } from '../envoy/process.js';
import { metrics } from '../metrics/registry.js';
import type { StartReason } from './machine.js';

/**
 * Counters and gauges about envoy's lifecycle: kept here for logs and the SIGUSR2 dump, mirrored into
 * the prom-client registry the status server exposes.
 */
export class SupervisorStats {
  starts = 0;
  hotRestarts = 0;
  crashes = 0;
  reloadsRejected = 0;
  currentEpoch = -1;
  lastDrainMs = 0;
  readonly #tails = new Map<number, readonly string[]>();

  starting(reason: StartReason): void {
    if (reason !== 'initial') metrics.envoyRestarts.inc({ reason });
  }

  started(epoch: number): void {
    this.starts += 1;
    if (epoch > 0) this.hotRestarts += 1;
    this.currentEpoch = epoch;
    metrics.envoyStarts.inc();
    metrics.envoyEpoch.set(epoch);
  }

  exited(epoch: number, exit: EnvoyExit, stderr: readonly string[]): void {
    if (exit.status !== 0) this.crashes += 1;
    metrics.envoyExits.inc({ outcome: exit.spawnError ? 'spawn_failed' : exit.signal ? 'signal' : exit.status === 0 ? 'clean' : 'error' });
    if (epoch === this.currentEpoch) metrics.envoyEpoch.set(-1);
    this.#tails.set(epoch, [...stderr]);
    // Only the newest few epochs matter for a crash report.
    for (const old of [...this.#tails.keys()].filter((e) => e < epoch - 3)) this.#tails.delete(old);
  }

  serving(live: boolean): void {
    metrics.envoyLive.set(live ? 1 : 0);
  }

  reloadRejected(): void {
    this.reloadsRejected += 1;
    metrics.reloadsRejected.inc();
  }

  /**
   * Not a metric: a drain ends the agent's life, so a gauge set here was never scraped. The duration is in
   * the log line that ends the drain instead ("drain finished", drainMs).
   */
  drained(ms: number): void {
    this.lastDrainMs = ms;
  }

  lastStderr(epoch: number): readonly string[] {
    return this.#tails.get(epoch) ?? [];
  }
}
