import t from 'tap';
import { lifecycleReadiness, newMachine, step, type Machine } from '../../src/supervisor/machine.js';

const limits = { restartBudget: 10, backoffMs: 200, backoffMaxMs: 5_000, hotRestartMinIntervalMs: 0 };

function liveAt0(): Machine {
  const m = newMachine(limits);
  step(m, { type: 'start' });
  step(m, { type: 'epochLive', epoch: 0 });
  return m;
}

t.test('no envoy running is not ready, without asking envoy', async (t) => {
  t.same(lifecycleReadiness(newMachine(limits)).decided, { ready: false, reason: 'envoy not running' });
});

t.test('a shutdown in progress is not ready: draining', async (t) => {
  const m = liveAt0();
  step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false });
  t.same(lifecycleReadiness(m).decided, { ready: false, reason: 'draining' });
});

t.test('a hot restart in flight is ready without asking envoy, whose admin port may be missing', async (t) => {
  const m = liveAt0();
  step(m, { type: 'reloadRequested', reason: 'SIGHUP' });
  step(m, { type: 'reloadPrepared', epoch: 1, file: '/b1.json' });
  t.equal(m.state, 'hotRestarting');
  t.match(lifecycleReadiness(m), { decided: { ready: true, reason: '' }, serving: true, adminMayBeMissing: true });
});

t.test('a starting envoy is asked, and the lifecycle says why it is not serving yet', async (t) => {
  const m = newMachine(limits);
  step(m, { type: 'start' });
  const r = lifecycleReadiness(m);
  t.equal(r.decided, undefined);
  t.match(r, { serving: false, notServingReason: 'envoy not ready (starting)', adminMayBeMissing: false });
  step(m, { type: 'epochLive', epoch: 0 });
  t.match(lifecycleReadiness(m), { serving: true, adminMayBeMissing: false });
});
