// The numbers a soak run leaves behind: printed as TAP comments, and written as JSON to SOAK_REPORT
// when set (the long run's results for the README).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { ActionCoverage } from './invariants/action-coverage.js';
import type { ReadinessVerdict } from './invariants/readiness.js';
import type { RssVerdict } from './invariants/rss-growth.js';
import type { ZombieVerdict } from './invariants/zombies.js';
import type { RssSample } from './process-watch.js';
import type { SoakSettings } from './soak-settings.js';

export interface SoakReport {
  readonly settings: SoakSettings;
  readonly wallSeconds: number;
  readonly coverage: ActionCoverage;
  readonly orphans: { readonly spawned: number; readonly goneBeforeScrape: number; readonly reapedTotal: number };
  readonly readiness: Omit<ReadinessVerdict, 'violations'> & { readonly violations: number };
  readonly zombies: Omit<ZombieVerdict, 'violations'> & { readonly violations: number };
  readonly rss: RssVerdict;
  readonly restarts: { readonly crashes: number; readonly maxFailures: number; readonly resets: number; readonly envoyStarts: number };
  readonly exit: { readonly code: number | null; readonly signal: string | null; readonly survivors: number };
}

const round = (x: number): number => Math.round(x * 10) / 10;

export function reportLines(r: SoakReport): string[] {
  const c = r.coverage;
  const kinds = Object.keys(c.performed) as (keyof typeof c.performed)[];
  return [
    `seed ${r.settings.seed}, chaos ${r.settings.chaosSeconds} s, wall ${round(r.wallSeconds)} s; replay: SOAK_SEED=${r.settings.seed} SOAK_SECONDS=${r.settings.chaosSeconds}`,
    `machine: ${cpus().length} CPUs, load average ${loadavg().map(round).join(' ')}`,
    `actions: ${kinds.map((k) => `${k} ${c.performed[k]}${c.skipped[k] ? ` (+${c.skipped[k]} skipped)` : ''}`).join(', ')}`,
    `crashes: ${c.crashesSeenAsCrash} seen as crashes, ${c.crashesSeenOtherwise} otherwise, ${c.crashesUnseen} unseen; hot restarts ${c.hotRestarts}; envoy starts ${r.restarts.envoyStarts}; max failures ${r.restarts.maxFailures}/${r.settings.restartBudget}, budget resets ${r.restarts.resets}`,
    ...c.unexplainedCrashes.map((u) => `crash not caused by the chaos: ${u}`),
    `certificates: ${c.rotationsApplied} applied, ${c.rotationsRejected} rejected, ${c.certReloadRequests} reloads requested by the watcher`,
    `signals: SIGHUP ${c.signalsReceived.SIGHUP}/${c.signalsSent.SIGHUP} received, SIGUSR1 ${c.signalsReceived.SIGUSR1}/${c.signalsSent.SIGUSR1} received, ${c.usr1AtEnvoy} at envoy`,
    `orphans: ${r.orphans.spawned} spawned (${r.settings.orphansPerStart} per start, ${r.settings.orphanLifetimeMs} ms), ${r.orphans.goneBeforeScrape} gone before the scrape, istio_agent_zombies_reaped_total ${r.orphans.reapedTotal}`,
    `readiness probes: ${r.readiness.ok} × 200, ${r.readiness.notReady} × not ready, ${r.readiness.noAnswer} unanswered, ${r.readiness.duringDrain} answered while draining; violations ${r.readiness.violations}`,
    `zombies: ${r.zombies.sighted} sighted, max age ${r.zombies.maxAgeMs} ms, ${r.zombies.olderThan1s} seen over 1 s; violations ${r.zombies.violations}`,
    `RSS: early p75 ${round(r.rss.earlyMiB)} MiB (${r.rss.earlySamples} samples), late p75 ${round(r.rss.lateMiB)} MiB (${r.rss.lateSamples}), allowed ≤ ${round(r.rss.allowedMiB)} MiB`,
    `exit: code ${r.exit.code}, signal ${r.exit.signal}, survivors ${r.exit.survivors}`,
  ];
}

export function writeReport(path: string | undefined, r: SoakReport, rssSeries: readonly RssSample[]): void {
  if (path) writeFileSync(path, `${JSON.stringify({ ...r, rssSeriesMiB: rssSeries.map((s) => [s.at, round(s.bytes / 1048576)]), machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() }, at: new Date().toISOString() }, null, 2)}\n`);
}
