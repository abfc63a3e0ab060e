// The soak's checkers on made-up evidence: each must catch what it exists to catch, and must not
// count a request that was in flight across a transition. A checker that cannot fail proves nothing.
import t from 'tap';
import type { AgentLogLine } from '../helpers/running-agent.js';
import { lifecycleSpans, msgs } from '../fixtures/soak/agent-log.js';
import { checkReadiness } from '../fixtures/soak/invariants/readiness.js';
import { checkRestartBudget } from '../fixtures/soak/invariants/restart-budget.js';
import { checkRssGrowth } from '../fixtures/soak/invariants/rss-growth.js';
import { checkZombies } from '../fixtures/soak/invariants/zombies.js';
import type { Probe } from '../fixtures/soak/probe-load.js';

const at = (ms: number): string => new Date(ms).toISOString();
const transition = (ms: number, from: string, to: string): AgentLogLine => ({ msg: `lifecycle: ${from} → ${to}`, from, to, time: at(ms) });
const probe = (sentAt: number, answeredAt: number, status: number, via: Probe['via'] = 'status'): Probe => ({ via, sentAt, answeredAt, status, body: '' });

t.test('readiness: a 200 sent after a crash was logged, and before the next LIVE, is a violation; one in flight is not', async (t) => {
  const spans = lifecycleSpans([
    transition(1_000, 'idle', 'starting'),
    transition(2_000, 'starting', 'live'),
    transition(5_000, 'live', 'backingOff'),
    transition(5_200, 'backingOff', 'starting'),
    transition(6_000, 'starting', 'live'),
    transition(9_000, 'live', 'draining'),
  ]);
  const verdict = checkReadiness(
    [
      probe(3_000, 3_010, 200), // live
      probe(4_990, 5_020, 200), // sent while live, answered after the crash: in flight
      probe(5_050, 5_060, 200), // backing off: wrong
      probe(5_900, 6_010, 200), // answered just after LIVE: fine
      probe(9_100, 9_110, 200, 'envoy'), // draining: wrong
      probe(9_200, 9_210, 503),
    ],
    spans,
  );
  t.same(verdict.violations.map((v) => [v.sentAt, v.states]), [[5_050, 'backingOff'], [9_100, 'draining']]);
  t.equal(verdict.duringDrain, 2);
});

t.test('zombies: one still there after two agent turns is a violation; one seen twice before them is not', async (t) => {
  const probes = [probe(1_010, 1_020, 200), probe(1_030, 1_040, 503), probe(1_050, 1_060, 200)];
  const verdict = checkZombies(
    [
      { pid: 10, comm: 'sleep', seenAt: [1_000, 1_035] }, // the second turn ended at 1_040
      { pid: 11, comm: 'sleep', seenAt: [1_000, 1_045] },
      { pid: 12, comm: 'sleep', seenAt: [1_000, 2_500] },
    ],
    probes,
  );
  t.same(verdict.violations.map((v) => v.pid), [11, 12]);
  t.equal(verdict.maxAgeMs, 1_500);
  t.equal(verdict.olderThan1s, 1);
  t.same(checkZombies([{ pid: 13, comm: 'sleep', seenAt: [1_000, 5_000] }], [probe(900, 6_000, 200)]).violations, [], 'no proof of two turns: a stalled machine is not a violation');
});

t.test('restart budget: a miscounted failure, a wrong back-off, a give-up and a missing restart are each reported', async (t) => {
  const settings = { restartBudget: 4, backoffMs: 100, backoffMaxMs: 300 };
  const crash = (failures: number): AgentLogLine => ({ msg: msgs.crashed, failures, epoch: 0, status: 137 });
  const backoff = (ms: number): AgentLogLine => ({ msg: msgs.backingOff, ms });
  const start: AgentLogLine = { msg: msgs.started, epoch: 0, envoyPid: 1 };
  const good = checkRestartBudget([start, crash(1), backoff(100), start, crash(2), backoff(200), start, { msg: msgs.budgetReset }, crash(1), backoff(100), start], settings);
  t.same(good.problems, []);
  t.equal(good.resets, 1);
  const bad = checkRestartBudget([start, crash(1), backoff(100), start, crash(3), backoff(300), start, crash(4), { msg: msgs.gaveUp, failures: 4 }], settings);
  t.match(bad.problems, [/failures 3, expected 2/, /failures 4, expected 3/, /gave up/]);
  t.match(checkRestartBudget([start, crash(1), backoff(200)], settings).problems, [/back-off 200 ms, expected 100 ms/, /never started again/]);
});

t.test('RSS: a plateau that climbs by more than the slack fails; a dip from a major collection does not', async (t) => {
  const series = (level: (s: number) => number) => Array.from({ length: 600 }, (_, s) => ({ at: s * 1_000, bytes: level(s) * 1024 * 1024 }));
  const dips = checkRssGrowth(series((s) => (s % 120 < 30 ? 95 : 130)), 0, 600_000);
  t.notOk(dips.grew, `dips: ${dips.earlyMiB} → ${dips.lateMiB}`);
  const leak = checkRssGrowth(series((s) => 120 + s * 0.1), 0, 600_000);
  t.ok(leak.grew, `leak: ${leak.earlyMiB} → ${leak.lateMiB}`);
  // The short run (35 s) tolerates a heap still settling, 20 % up, but not a gross leak, 40 % up.
  const short = (end: number) => checkRssGrowth(Array.from({ length: 35 }, (_, s) => ({ at: s * 1_000, bytes: (s < 26 ? 140 : end) * 1024 * 1024 })), 0, 35_000);
  t.notOk(short(168).grew, 'short run: +20 % is a heap settling');
  t.ok(short(196).grew, 'short run: +40 % is a leak');
});
