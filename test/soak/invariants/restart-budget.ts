// "Restarts stay within the budget": every crash the agent logs carries its count of consecutive
// failures; that count must go up by one per crash, back to zero only after a logged budget reset,
// never reach the budget (the chaos keeps a margin, so reaching it would be a miscount), each crash
// must be followed by the back-off the settings give, and then by a new epoch 0.
import type { AgentLogLine } from '../../helpers/running-agent.js';
import { msgs } from '../agent-log.js';

export interface BudgetSettings {
  readonly restartBudget: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
}

export interface BudgetVerdict {
  readonly crashes: number;
  readonly maxFailures: number;
  readonly resets: number;
  readonly problems: readonly string[];
}

export function checkRestartBudget(logs: readonly AgentLogLine[], s: BudgetSettings): BudgetVerdict {
  const problems: string[] = [];
  let expected = 0;
  let crashes = 0;
  let maxFailures = 0;
  let resets = 0;
  for (const [i, l] of logs.entries()) {
    if (l.msg === msgs.budgetReset) {
      expected = 0;
      resets += 1;
    }
    if (l.msg === msgs.gaveUp) problems.push(`gave up at log line ${i} with failures ${String(l.failures)}`);
    if (l.msg !== msgs.crashed) continue;
    crashes += 1;
    expected += 1;
    const failures = l.failures as number;
    maxFailures = Math.max(maxFailures, failures);
    if (failures !== expected) problems.push(`crash at log line ${i}: failures ${failures}, expected ${expected}`);
    if (failures >= s.restartBudget) continue; // the give-up line above reports it
    const rest = logs.slice(i + 1);
    const backoff = rest.find((n) => n.msg === msgs.backingOff);
    const want = Math.min(s.backoffMs * 2 ** (failures - 1), s.backoffMaxMs);
    if (backoff?.ms !== want) problems.push(`crash at log line ${i} (failures ${failures}): back-off ${String(backoff?.ms)} ms, expected ${want} ms`);
    const shutdown = rest.findIndex((n) => n.msg.startsWith('lifecycle: ') && (n.to === 'draining' || n.to === 'stopping' || n.to === 'stopped'));
    const restart = rest.findIndex((n) => n.msg === msgs.started && n.epoch === 0);
    // A shutdown during the back-off legitimately ends it without a restart.
    if (restart === -1 && shutdown === -1) problems.push(`crash at log line ${i}: envoy never started again`);
  }
  return { crashes, maxFailures, resets, problems };
}
