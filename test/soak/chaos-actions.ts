// The chaos itself, one function per kind of action. Each acts on processes by pid (never by name),
// waits for the agent's verdict where there is one, and returns a record of what it did and saw, for
// the coverage checks: an action the agent never noticed proves nothing.
import type { AgentLogLine, RunningAgent } from '../helpers/running-agent.js';
import { certVerdicts, currentState, failuresNow, isExitLine, msgs, newestStart } from './agent-log.js';
import { leafFingerprint, type CertSet, type CertVolume } from './cert-material.js';
import { readProc } from './proc-table.js';
import type { SeededRandom } from './seeded-random.js';
import type { SoakSettings } from './soak-settings.js';

export type ActionKind = 'crash' | 'hang' | 'hupStorm' | 'usr1Storm' | 'rotateValid' | 'rotateInvalid';

export type ActionRecord =
  | { readonly kind: 'crash'; readonly at: number; readonly skipped?: string; readonly pid?: number; readonly epoch?: number; readonly signal?: NodeJS.Signals; readonly seen?: AgentLogLine }
  | { readonly kind: 'hang'; readonly at: number; readonly skipped?: string; readonly pid?: number; readonly heldMs?: number }
  | { readonly kind: 'hupStorm' | 'usr1Storm'; readonly at: number; readonly sent: number }
  | { readonly kind: 'rotateValid' | 'rotateInvalid'; readonly at: number; readonly set: string; readonly fingerprint?: string; readonly verdict?: AgentLogLine };

export interface ChaosContext {
  readonly agent: RunningAgent;
  readonly random: SeededRandom;
  readonly settings: SoakSettings;
  readonly volume: CertVolume;
  readonly valid: readonly CertSet[];
  readonly invalid: readonly CertSet[];
  /** Fingerprint of the valid set envoy runs with (the agent judges "unchanged" against it). */
  appliedFingerprint: string;
  /** Envoys stopped right now, so that a failing test can still continue them. */
  readonly stopped: Set<number>;
  /** Date.now() at which the chaos phase ends: no action waits past it to begin. */
  readonly end: number;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll the logs from `from` on for a matching line; undefined after the timeout (no throw: the caller records it). */
export async function lineAfter(agent: RunningAgent, from: number, match: (l: AgentLogLine) => boolean, timeoutMs: number): Promise<AgentLogLine | undefined> {
  const deadline = Date.now() + timeoutMs;
  let i = from;
  for (;;) {
    for (; i < agent.logs.length; i++) if (match(agent.logs[i]!)) return agent.logs[i];
    if (Date.now() > deadline || agent.proc.exitCode !== null) return undefined;
    await pause(50);
  }
}

/** Poll until `ok()` or the timeout; whether it became true. */
async function until(ok: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) return false;
    await pause(50);
  }
  return true;
}

/** The serving envoy, if it is still the agent's child and running. */
function servingEnvoy(agent: RunningAgent): ReturnType<typeof newestStart> {
  const newest = newestStart(agent.logs);
  if (!newest) return undefined;
  const p = readProc(newest.pid);
  return p && p.ppid === agent.proc.pid && p.state !== 'Z' ? newest : undefined;
}

/** Envoy epochs still running as the agent's children (a hot restart's parent lingers for parentShutdownDuration). */
function runningEnvoys(agent: RunningAgent): number {
  return agent.envoyPids().filter((pid) => {
    const p = readProc(pid);
    return p !== undefined && p.ppid === agent.proc.pid && p.state !== 'Z';
  }).length;
}

/**
 * Kill the serving envoy as a crash would. Only once the agent says it is LIVE, and only while the
 * crash keeps the failure count below the budget, so the run goes on (the give-up path has its own
 * tests). A crash may cost more than one failure: the agent currently also counts the exit of each
 * older epoch it kills after the crash (see the soak's report), so every running epoch is priced in.
 */
async function crash(c: ChaosContext): Promise<ActionRecord> {
  const at = Date.now();
  const { agent, settings } = c;
  const signal = c.random.pick(['SIGKILL', 'SIGSEGV', 'SIGABRT'] as const); // drawn first: a skip must not shift the sequence
  const ready = await until(
    () => currentState(agent.logs) === 'live' && failuresNow(agent.logs) + runningEnvoys(agent) < settings.restartBudget && servingEnvoy(agent) !== undefined,
    Math.min(8_000, c.end - Date.now()),
  );
  const target = servingEnvoy(agent);
  if (!ready || !target) return { kind: 'crash', at, skipped: `state ${currentState(agent.logs)}, failures ${failuresNow(agent.logs)}` };
  try {
    process.kill(target.pid, signal);
  } catch {
    return { kind: 'crash', at, skipped: 'the target exited first' };
  }
  const seen = await lineAfter(agent, target.index + 1, (l) => isExitLine(l) && l.epoch === target.epoch, 15_000);
  return { kind: 'crash', at, pid: target.pid, epoch: target.epoch, signal, ...(seen ? { seen } : {}) };
}

/** Freeze the serving envoy (its admin stops answering), then let it go on. */
async function hang(c: ChaosContext): Promise<ActionRecord> {
  const at = Date.now();
  // Past 3 s the agent's readiness query times out; never past the end of the chaos phase. Drawn first: a skip must not shift the sequence.
  const heldMs = Math.max(0, Math.min(c.random.int(300, 3_500), c.end - Date.now()));
  const target = servingEnvoy(c.agent);
  if (!target) return { kind: 'hang', at, skipped: `no running envoy (state ${currentState(c.agent.logs)})` };
  c.stopped.add(target.pid);
  try {
    try {
      process.kill(target.pid, 'SIGSTOP');
    } catch {
      return { kind: 'hang', at, skipped: 'the target exited first' };
    }
    await pause(heldMs);
  } finally {
    try {
      process.kill(target.pid, 'SIGCONT');
    } catch {
      // it died while frozen (the agent may SIGKILL it): nothing to continue
    }
    c.stopped.delete(target.pid);
  }
  return { kind: 'hang', at, pid: target.pid, heldMs };
}

/** A burst of signals to the agent, a few ms apart (standard signals may merge; the agent logs each it gets). */
async function storm(c: ChaosContext, kind: 'hupStorm' | 'usr1Storm'): Promise<ActionRecord> {
  const at = Date.now();
  const sent = c.random.int(1, 6);
  for (let i = 0; i < sent; i++) {
    c.agent.signal(kind === 'hupStorm' ? 'SIGHUP' : 'SIGUSR1');
    await pause(c.random.int(0, 40));
  }
  return { kind, at, sent };
}

/** Swap the certificate volume and wait for the agent's verdict on it. */
async function rotate(c: ChaosContext, kind: 'rotateValid' | 'rotateInvalid'): Promise<ActionRecord> {
  const at = Date.now();
  const choices = kind === 'rotateValid' ? c.valid.filter((s) => leafFingerprint(s) !== c.appliedFingerprint) : c.invalid;
  const set = c.random.pick(choices);
  const from = c.agent.logs.length;
  c.volume.write(set);
  const verdict = await lineAfter(c.agent, from, (l) => certVerdicts.includes(l.msg), 10_000);
  if (verdict?.msg === msgs.certApplied) c.appliedFingerprint = (verdict.leaf as { fingerprint256: string }).fingerprint256;
  return { kind, at, set: set.name, ...(kind === 'rotateValid' ? { fingerprint: leafFingerprint(set) } : {}), ...(verdict ? { verdict } : {}) };
}

export function perform(c: ChaosContext, kind: ActionKind): Promise<ActionRecord> {
  switch (kind) {
    case 'crash':
      return crash(c);
    case 'hang':
      return hang(c);
    case 'hupStorm':
    case 'usr1Storm':
      return storm(c, kind);
    case 'rotateValid':
    case 'rotateInvalid':
      return rotate(c, kind);
  }
}
