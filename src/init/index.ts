// PID 1 duties, as one small API for main.ts: reap orphans without stealing Node's children, never
// drop a signal, and clean up everything before the namespace dies with us.
import type { Logger } from 'pino';
import { finalSweep, type SweepResult } from './final-sweep.js';
import { Reaper, type ReaperOptions, type ReaperStats } from './reaper.js';
import { finalSweepGraceMs } from './shutdown-time.js';

export { guardSignals, heldSignals, routeSignals, agentSignals, signalsListeningAfterMs, type AgentSignal } from './signals.js';
export { trackChildren } from './child-tracker.js';
export { finalSweepGraceMs } from './shutdown-time.js';
export type { ReaperStats, SweepResult };

export interface InstalledReaper {
  readonly mode: 'pid1' | 'subreaper';
  /** Orphans reaped so far (the zombies-reaped counter for metrics). */
  readonly reapedCount: number;
  readonly stats: Readonly<ReaperStats>;
  /** One synchronous reaping pass now; returns how many were reaped. */
  pass(): number;
  stop(): void;
  /** TERM what is left, wait up to timeoutMs, KILL, reap until no child remains. Keeps working after stop(). */
  finalSweep(timeoutMs?: number): Promise<SweepResult>;
}

let installed: InstalledReaper | undefined;

/** Install the reaper (once per process; later calls return the same one). */
export function installReaper(options: { log?: Pick<Logger, 'debug' | 'info' | 'warn'> } & ReaperOptions = {}): InstalledReaper {
  if (installed) return installed;
  const reaper = new Reaper(options);
  const reapOnce = (): number => reaper.reapNow();
  installed = {
    mode: reaper.mode,
    get reapedCount() {
      return reaper.reapedCount;
    },
    stats: reaper.stats,
    pass: () => reaper.pass(),
    stop: () => reaper.stop(),
    finalSweep: (timeoutMs = finalSweepGraceMs) => finalSweep({ timeoutMs, reapOnce, ...(options.log ? { log: options.log } : {}) }),
  };
  return installed;
}

/** Zombies reaped by this process's reaper (0 before it is installed): for the metrics endpoint. */
export function zombiesReapedTotal(): number {
  return installed?.reapedCount ?? 0;
}
