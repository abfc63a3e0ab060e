// Non-vacuity: each kind of chaos must have happened and the agent must have noticed it in the way
// the README promises. A soak whose crashes never landed or whose rotations were never judged would
// pass every other invariant without proving anything.
import type { AgentLogLine } from '../../helpers/running-agent.js';
import { msgs } from '../agent-log.js';
import type { ActionKind, ActionRecord } from '../chaos-actions.js';

export interface ActionCoverage {
  /** Per kind: how many were performed and how many skipped (crash/hang wait for a running, LIVE envoy). */
  readonly performed: Record<ActionKind, number>;
  readonly skipped: Record<ActionKind, number>;
  /** Crashes the agent reported as a crash of the serving envoy, with the very signal we sent. */
  readonly crashesSeenAsCrash: number;
  /** Crashes whose exit the agent logged some other way (raced with a hot or cold restart). */
  readonly crashesSeenOtherwise: number;
  readonly crashesUnseen: number;
  readonly hotRestarts: number;
  readonly rotationsApplied: number;
  readonly rotationsRejected: number;
  /** Rotations whose verdict was not the expected one, or never came. */
  readonly rotationMisjudged: readonly string[];
  /** Reload requests the certificate watcher made: must equal the rotations applied. */
  readonly certReloadRequests: number;
  readonly signalsSent: { readonly SIGHUP: number; readonly SIGUSR1: number };
  readonly signalsReceived: { readonly SIGHUP: number; readonly SIGUSR1: number };
  /** SIGUSR1s the stub envoys logged (forwarded by the agent). */
  readonly usr1AtEnvoy: number;
  /** Crashes the agent logged that none of our kills explains (a restart that failed on its own), with what preceded them. */
  readonly unexplainedCrashes: readonly string[];
}

const kinds: readonly ActionKind[] = ['crash', 'hang', 'hupStorm', 'usr1Storm', 'rotateValid', 'rotateInvalid'];

export function actionCoverage(records: readonly ActionRecord[], logs: readonly AgentLogLine[], events: readonly Record<string, unknown>[]): ActionCoverage {
  const performed = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<ActionKind, number>;
  const skipped = { ...performed };
  let crashesSeenAsCrash = 0;
  let crashesSeenOtherwise = 0;
  let crashesUnseen = 0;
  let rotationsApplied = 0;
  let rotationsRejected = 0;
  const rotationMisjudged: string[] = [];
  const signalsSent = { SIGHUP: 0, SIGUSR1: 0 };
  for (const r of records) {
    if ('skipped' in r && r.skipped !== undefined) {
      skipped[r.kind] += 1;
      continue;
    }
    performed[r.kind] += 1;
    switch (r.kind) {
      case 'crash':
        if (!r.seen) crashesUnseen += 1;
        else if (r.seen.msg === msgs.crashed && r.seen.signal === r.signal) crashesSeenAsCrash += 1;
        else crashesSeenOtherwise += 1;
        break;
      case 'hupStorm':
        signalsSent.SIGHUP += r.sent;
        break;
      case 'usr1Storm':
        signalsSent.SIGUSR1 += r.sent;
        break;
      case 'rotateValid': {
        const leaf = r.verdict?.leaf as { fingerprint256?: string } | undefined;
        if (r.verdict?.msg === msgs.certApplied && leaf?.fingerprint256 === r.fingerprint) rotationsApplied += 1;
        else rotationMisjudged.push(`valid ${r.set}: ${r.verdict?.msg ?? 'no verdict'}`);
        break;
      }
      case 'rotateInvalid':
        if (r.verdict?.msg === msgs.certRejected || r.verdict?.msg === msgs.certStillRejected) rotationsRejected += 1;
        else rotationMisjudged.push(`invalid ${r.set}: ${r.verdict?.msg ?? 'no verdict'}`);
        break;
      case 'hang':
        break;
    }
  }
  const ours = new Set(records.map((r) => (r.kind === 'crash' ? r.seen : undefined)));
  const unexplainedCrashes = logs.flatMap((l, i) =>
    l.msg === msgs.crashed && !ours.has(l)
      ? [`${l.time as string} epoch ${String(l.epoch)} status ${String(l.status)} failures ${String(l.failures)}, after: ${logs.slice(Math.max(0, i - 6), i).map((p) => p.msg).join(' | ')}`]
      : [],
  );
  const received = (sig: string): number => logs.filter((l) => l.msg === msgs.signalReceived && l.signal === sig).length;
  return {
    performed,
    skipped,
    crashesSeenAsCrash,
    crashesSeenOtherwise,
    crashesUnseen,
    hotRestarts: logs.filter((l) => l.msg === msgs.hotRestartDone).length,
    rotationsApplied,
    rotationsRejected,
    rotationMisjudged,
    certReloadRequests: logs.filter((l) => l.reason === 'certificates changed' && /^reload (requested|ignored)/.test(l.msg)).length,
    signalsSent,
    signalsReceived: { SIGHUP: received('SIGHUP'), SIGUSR1: received('SIGUSR1') },
    usr1AtEnvoy: events.filter((e) => e.event === 'signal' && e.signal === 'SIGUSR1').length,
    unexplainedCrashes,
  };
}
