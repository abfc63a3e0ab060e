// Reading the agent's own account of events from its JSON log lines: the lifecycle states and the
// moments (its clock, the same wall clock as ours) it entered them, envoy starts and exits, failures.
import type { AgentLogLine } from '../helpers/running-agent.js';

export const msgs = {
  started: 'envoy started',
  crashed: 'envoy exited unexpectedly',
  backingOff: 'backing off before restarting envoy at epoch 0',
  budgetReset: 'envoy stayed LIVE; restart budget reset',
  gaveUp: 'envoy keeps failing; giving up so Kubernetes can restart the container',
  hotRestartDone: 'hot restart complete: new epoch is LIVE',
  signalReceived: 'signal received',
  certApplied: 'certificates changed; hot-restarting envoy',
  certRejected: 'certificate change rejected; the running envoy keeps serving',
  certStillRejected: 'certificate files touched; still the rejected contents',
  certUnchanged: 'certificate files touched but their contents are the ones envoy runs with; nothing to do',
} as const;

export const certVerdicts: readonly string[] = [msgs.certApplied, msgs.certRejected, msgs.certStillRejected, msgs.certUnchanged];

export const timeOf = (l: AgentLogLine): number => Date.parse(l.time as string);

/** States in which the agent may answer ready (machine.ts isServing). */
export const servingStates: ReadonlySet<string> = new Set(['live', 'hotRestarting']);

export interface StateSpan {
  readonly state: string;
  /** Log time of the transition into it, and of the transition out (Infinity while current). */
  readonly from: number;
  readonly to: number;
}

/** The lifecycle as a sequence of spans, from the 'lifecycle: a → b' lines. */
export function lifecycleSpans(logs: readonly AgentLogLine[]): StateSpan[] {
  const spans: StateSpan[] = [];
  let state = 'idle';
  let from = -Infinity;
  for (const l of logs) {
    if (typeof l.to !== 'string' || !l.msg.startsWith('lifecycle: ')) continue;
    const at = timeOf(l);
    spans.push({ state, from, to: at });
    state = l.to;
    from = at;
  }
  spans.push({ state, from, to: Infinity });
  return spans;
}

export function currentState(logs: readonly AgentLogLine[]): string {
  return lifecycleSpans(logs).at(-1)!.state;
}

/** Exit lines carry the epoch and envoy's exit status (machine.ts `{ epoch, ...exit }`). */
export const isExitLine = (l: AgentLogLine): boolean => typeof l.epoch === 'number' && typeof l.status === 'number';

/** The line in which the agent reports the exit of the envoy started at log index `startIndex`. */
export function exitLineFor(logs: readonly AgentLogLine[], startIndex: number): AgentLogLine | undefined {
  const epoch = logs[startIndex]!.epoch;
  return logs.slice(startIndex + 1).find((l) => isExitLine(l) && l.epoch === epoch);
}

/** The agent's count of consecutive failed starts as of now. */
export function failuresNow(logs: readonly AgentLogLine[]): number {
  for (let i = logs.length - 1; i >= 0; i--) {
    const l = logs[i]!;
    if (l.msg === msgs.budgetReset) return 0;
    if (l.msg === msgs.crashed) return l.failures as number;
  }
  return 0;
}

/** The newest envoy start the agent logged: its log index, epoch and pid. */
export function newestStart(logs: readonly AgentLogLine[]): { index: number; epoch: number; pid: number } | undefined {
  for (let i = logs.length - 1; i >= 0; i--) {
    const l = logs[i]!;
    if (l.msg === msgs.started) return { index: i, epoch: l.epoch as number, pid: l.envoyPid as number };
  }
  return undefined;
}
