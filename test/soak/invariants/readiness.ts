// "Ready only while an epoch is LIVE and the agent is not draining", judged by order, not by clocks:
// a 200 is wrong only if the agent's own log shows it in no serving state at any moment between the
// probe being sent and its answer arriving. A probe in flight across a transition may go either way.
import { servingStates, type StateSpan } from '../agent-log.js';
import type { Probe } from '../probe-load.js';

export interface ReadinessVerdict {
  readonly ok: number;
  readonly notReady: number;
  readonly noAnswer: number;
  /** Answers to probes sent after the agent logged the start of its drain. */
  readonly duringDrain: number;
  readonly violations: readonly (Probe & { readonly states: string })[];
}

/** Log times are whole milliseconds (the same wall clock as ours): ties count as overlapping. */
const overlaps = (s: StateSpan, p: Probe): boolean => s.from <= p.answeredAt && s.to >= p.sentAt;

export function checkReadiness(probes: readonly Probe[], spans: readonly StateSpan[]): ReadinessVerdict {
  const drainStart = spans.find((s) => s.state === 'draining' || s.state === 'stopping')?.from ?? Infinity;
  const violations: (Probe & { states: string })[] = [];
  for (const p of probes) {
    if (p.status !== 200) continue;
    const during = spans.filter((s) => overlaps(s, p));
    if (!during.some((s) => servingStates.has(s.state))) violations.push({ ...p, states: during.map((s) => s.state).join(' → ') });
  }
  return {
    ok: probes.filter((p) => p.status === 200).length,
    notReady: probes.filter((p) => p.status !== 200 && p.status !== 0).length,
    noAnswer: probes.filter((p) => p.status === 0).length,
    duringDrain: probes.filter((p) => p.status !== 0 && p.sentAt > drainStart).length,
    violations,
  };
}
