import t from 'tap';
import type { EnvoyExit } from '../../src/envoy/process.js';
import { isServing, newMachine, step, type Action, type Machine } from '../../src/supervisor/machine.js';

// No minimum interval between hot restarts, except in the tests about it.
const limits = { restartBudget: 10, backoffMs: 200, backoffMaxMs: 5_000, hotRestartMinIntervalMs: 0 };
const crash: EnvoyExit = { code: 1, signal: null, status: 1 };
const clean: EnvoyExit = { code: 0, signal: null, status: 0 };

const kinds = (acts: Action[]): string[] => acts.filter((a) => a.type !== 'log').map((a) => a.type);
const find = <T extends Action['type']>(acts: Action[], type: T): Extract<Action, { type: T }> | undefined =>
  acts.find((a): a is Extract<Action, { type: T }> => a.type === type);

function liveAt0(l = limits): Machine {
  const m = newMachine(l);
  step(m, { type: 'start' });
  step(m, { type: 'epochLive', epoch: 0 });
  return m;
}

/** A hot restart done: epoch 1 LIVE, epoch 0 still draining beside it. */
function liveAt1WithParentDraining(): Machine {
  const m = liveAt0();
  step(m, { type: 'reloadRequested', reason: 'certs' });
  step(m, { type: 'reloadPrepared', epoch: 1, file: 'f1' });
  step(m, { type: 'epochLive', epoch: 1 });
  return m;
}

t.test('starts envoy at epoch 0 and is serving once it is LIVE', async (t) => {
  const m = newMachine(limits);
  t.same(kinds(step(m, { type: 'start' })), ['spawn']);
  t.equal(m.state, 'starting');
  t.notOk(isServing(m));
  t.same(kinds(step(m, { type: 'epochLive', epoch: 0 })), ['scheduleBudgetReset']);
  t.equal(m.state, 'live');
  t.ok(isServing(m));
});

t.test('restarts a crashed envoy at epoch 0 after a doubling back-off capped at the maximum', async (t) => {
  const m = liveAt0();
  const delays: number[] = [];
  for (let i = 0; i < 8; i++) {
    const acts = step(m, { type: 'epochExited', epoch: 0, exit: crash });
    t.equal(m.state, 'backingOff');
    t.notOk(isServing(m), 'readiness fails at once');
    delays.push(find(acts, 'scheduleBackoff')!.ms);
    const spawn = find(step(m, { type: 'backoffElapsed' }), 'spawn');
    t.equal(spawn?.epoch, 0, 'always a cold start');
    t.equal(spawn?.reason, 'crash');
  }
  t.same(delays, [200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
});

t.test('gives up after the budget of consecutive failed starts, with exit 1', async (t) => {
  const m = newMachine({ ...limits, restartBudget: 3 });
  step(m, { type: 'start' });
  step(m, { type: 'epochExited', epoch: 0, exit: crash });
  step(m, { type: 'backoffElapsed' });
  step(m, { type: 'epochExited', epoch: 0, exit: crash });
  step(m, { type: 'backoffElapsed' });
  const acts = step(m, { type: 'epochExited', epoch: 0, exit: { code: null, signal: 'SIGKILL', status: 137 } });
  t.same(kinds(acts), ['giveUp', 'releaseHotRestartState', 'exit']);
  t.equal(find(acts, 'exit')?.code, 1);
  t.equal(find(acts, 'giveUp')?.failures, 3);
  t.equal(m.state, 'stopped');
});

t.test('envoy exiting 0 on its own (its /quitquitquit) ends the agent with 0, without a restart', async (t) => {
  const m = liveAt0();
  const acts = step(m, { type: 'epochExited', epoch: 0, exit: clean });
  t.same(kinds(acts), ['releaseHotRestartState', 'exit']);
  t.equal(find(acts, 'exit')?.code, 0);
  t.equal(m.state, 'stopped');
  t.equal(m.failures, 0, 'not a failure');
});

t.test('envoy exiting 0 on its own stops the epochs still draining first, then exits 0', async (t) => {
  const m = liveAt1WithParentDraining();
  const acts = step(m, { type: 'epochExited', epoch: 1, exit: clean });
  t.same(find(acts, 'signal'), { type: 'signal', epochs: [0], signal: 'SIGTERM' });
  t.equal(m.state, 'stopping');
  t.same(find(step(m, { type: 'epochExited', epoch: 0, exit: clean }), 'exit'), { type: 'exit', code: 0 });
});

t.test('a non-zero exit or a signal is still a crash', async (t) => {
  for (const exit of [crash, { code: null, signal: 'SIGTERM', status: 143 }]) {
    const m = liveAt0();
    step(m, { type: 'epochExited', epoch: 0, exit });
    t.equal(m.state, 'backingOff');
    t.equal(m.failures, 1);
  }
});

t.test('an epoch that stays LIVE resets the budget', async (t) => {
  const m = liveAt0();
  step(m, { type: 'epochExited', epoch: 0, exit: crash });
  step(m, { type: 'backoffElapsed' });
  step(m, { type: 'epochLive', epoch: 0 });
  t.equal(m.failures, 1);
  step(m, { type: 'budgetResetDue', epoch: 0 });
  t.equal(m.failures, 0);
});

t.test('hot-restarts to epoch n+1 only after the new bootstrap is prepared', async (t) => {
  const m = liveAt0();
  t.same(find(step(m, { type: 'reloadRequested', reason: 'SIGHUP' }), 'prepareReload'), { type: 'prepareReload', epoch: 1 });
  t.equal(m.state, 'live', 'still serving while validating');
  const acts = step(m, { type: 'reloadPrepared', epoch: 1, file: '/x/envoy-rev1.json' });
  t.same(find(acts, 'spawn'), { type: 'spawn', epoch: 1, reason: 'hot_restart', file: '/x/envoy-rev1.json' });
  t.equal(m.state, 'hotRestarting');
  t.ok(isServing(m), 'the parent serves during the hot restart');
  step(m, { type: 'epochLive', epoch: 1 });
  t.equal(m.state, 'live');
  t.same(kinds(step(m, { type: 'epochExited', epoch: 0, exit: clean })), [], 'the parent leaving is normal');
  t.equal(m.state, 'live');
  t.equal(m.failures, 0);
});

t.test('coalesces reload requests that arrive while one is prepared or running', async (t) => {
  const m = liveAt0();
  step(m, { type: 'reloadRequested', reason: 'a' });
  t.same(kinds(step(m, { type: 'reloadRequested', reason: 'b' })), []);
  t.same(kinds(step(m, { type: 'reloadRequested', reason: 'c' })), []);
  step(m, { type: 'reloadPrepared', epoch: 1, file: 'f1' });
  t.same(kinds(step(m, { type: 'reloadRequested', reason: 'd' })), [], 'queued during the hot restart');
  const acts = step(m, { type: 'epochLive', epoch: 1 });
  t.same(find(acts, 'prepareReload'), { type: 'prepareReload', epoch: 2 }, 'one reload for b, c and d');
  t.notOk(m.reloadPending);
});

t.test('keeps the parent serving when the hot-restart child dies before LIVE, and restarts cold next time', async (t) => {
  const m = liveAt0();
  step(m, { type: 'reloadRequested', reason: 'certs' });
  step(m, { type: 'reloadPrepared', epoch: 1, file: 'f1' });
  const acts = step(m, { type: 'epochExited', epoch: 1, exit: crash });
  t.same(kinds(acts), [], 'no signal to the parent, no back-off');
  t.equal(m.state, 'live');
  t.ok(isServing(m));
  t.ok(m.coldNext);
  t.same(find(step(m, { type: 'reloadRequested', reason: 'certs again' }), 'prepareReload'), { type: 'prepareReload', epoch: 0 });
  const cold = step(m, { type: 'reloadPrepared', epoch: 0, file: 'f0' });
  t.same(find(cold, 'signal'), { type: 'signal', epochs: [0], signal: 'SIGTERM' });
  t.equal(m.state, 'coldRestarting');
  t.notOk(isServing(m));
  t.same(find(step(m, { type: 'epochExited', epoch: 0, exit: clean }), 'spawn'), { type: 'spawn', epoch: 0, reason: 'cold_restart', file: 'f0' });
  t.equal(m.state, 'starting');
  t.notOk(m.coldNext);
});

t.test('a rejected bootstrap keeps the running epoch; a change that arrived meanwhile is tried', async (t) => {
  const m = liveAt0();
  step(m, { type: 'reloadRequested', reason: 'a' });
  step(m, { type: 'reloadRequested', reason: 'b' });
  const acts = step(m, { type: 'reloadRejected', epoch: 1, reason: 'validate failed' });
  t.equal(m.state, 'live');
  t.same(find(acts, 'prepareReload'), { type: 'prepareReload', epoch: 1 });
  t.same(kinds(step(m, { type: 'reloadRejected', epoch: 1, reason: 'again' })), []);
});

t.test('a reload before LIVE waits, and restarts cold when envoy is not LIVE within the cap', async (t) => {
  const m = newMachine(limits);
  step(m, { type: 'start' });
  t.same(kinds(step(m, { type: 'reloadRequested', reason: 'x' })), ['scheduleLiveWait']);
  t.same(kinds(step(m, { type: 'reloadRequested', reason: 'y' })), [], 'one timer');
  t.same(find(step(m, { type: 'liveWaitExpired' }), 'prepareReload'), { type: 'prepareReload', epoch: 0 });
  step(m, { type: 'reloadPrepared', epoch: 0, file: 'f0' });
  t.equal(m.state, 'coldRestarting');
});

t.test('a reload before LIVE runs once envoy becomes LIVE', async (t) => {
  const m = newMachine(limits);
  step(m, { type: 'start' });
  step(m, { type: 'reloadRequested', reason: 'x' });
  t.same(find(step(m, { type: 'epochLive', epoch: 0 }), 'prepareReload'), { type: 'prepareReload', epoch: 1 });
  t.same(kinds(step(m, { type: 'liveWaitExpired' })), [], 'the cap no longer matters');
});

t.test('drains on shutdown, then terminates, then kills at the deadline', async (t) => {
  const m = liveAt0();
  t.same(kinds(step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false })), ['drain', 'scheduleKillDeadline']);
  t.equal(m.state, 'draining');
  t.notOk(isServing(m), 'readiness turns 503 at once');
  t.same(kinds(step(m, { type: 'reloadRequested', reason: 'late cert' })), [], 'changes during a drain are ignored');
  const ended = step(m, { type: 'drainElapsed', drainMs: 1_234 });
  t.same(find(ended, 'signal'), { type: 'signal', epochs: [0], signal: 'SIGTERM' });
  t.same(find(ended, 'log'), { type: 'log', level: 'info', msg: 'drain finished; terminating envoy', fields: { drainMs: 1_234 } }, 'the line that ends the drain says how long it took');
  t.equal(m.state, 'stopping');
  t.same(find(step(m, { type: 'killDeadline' }), 'signal'), { type: 'signal', epochs: [0], signal: 'SIGKILL' });
  t.same(find(step(m, { type: 'epochExited', epoch: 0, exit: { code: null, signal: 'SIGKILL', status: 137 } }), 'exit'), { type: 'exit', code: 0 });
  t.equal(m.state, 'stopped');
});

t.test('a second shutdown request skips the rest of the drain', async (t) => {
  const m = liveAt0();
  step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false });
  t.same(find(step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false }), 'signal'), { type: 'signal', epochs: [0], signal: 'SIGTERM' });
  t.same(kinds(step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false })), []);
  t.same(kinds(step(m, { type: 'drainElapsed', drainMs: 1_000 })), []);
});

t.test('shutdown drains every epoch during a hot restart and exits when all are gone', async (t) => {
  const m = liveAt0();
  step(m, { type: 'reloadRequested', reason: 'r' });
  step(m, { type: 'reloadPrepared', epoch: 1, file: 'f1' });
  step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false });
  t.same(find(step(m, { type: 'drainElapsed', drainMs: 1_000 }), 'signal')?.epochs, [0, 1]);
  t.same(kinds(step(m, { type: 'epochExited', epoch: 1, exit: clean })), []);
  t.same(kinds(step(m, { type: 'epochExited', epoch: 0, exit: clean })), ['releaseHotRestartState', 'exit']);
});

t.test('shutdown during back-off or before start exits 0 at once', async (t) => {
  const m = liveAt0();
  step(m, { type: 'epochExited', epoch: 0, exit: crash });
  t.same(kinds(step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false })), ['releaseHotRestartState', 'exit']);
  t.same(kinds(step(m, { type: 'backoffElapsed' })), [], 'no restart after shutdown');
  const idle = newMachine(limits);
  t.same(find(step(idle, { type: 'shutdownRequested', reason: 'x', fast: false }), 'exit'), { type: 'exit', code: 0 });
});

t.test('a fast shutdown (SIGQUIT) terminates without waiting for the drain', async (t) => {
  const m = liveAt0();
  t.same(kinds(step(m, { type: 'shutdownRequested', reason: 'SIGQUIT', fast: true })), ['drain', 'scheduleKillDeadline', 'signal']);
  t.equal(m.state, 'stopping');
});

t.test('a LIVE child crashing while its parent drains is a crash: the parent is stopped too', async (t) => {
  const m = liveAt1WithParentDraining();
  const acts = step(m, { type: 'epochExited', epoch: 1, exit: crash });
  t.same(find(acts, 'signal'), { type: 'signal', epochs: [0], signal: 'SIGKILL' });
  t.equal(m.state, 'backingOff');
  t.equal(m.failures, 1);
  // Found by the chaos soak: the killed parent's exit used to count as a second crash.
  t.same(kinds(step(m, { type: 'epochExited', epoch: 0, exit: { code: null, signal: 'SIGKILL', status: 137 } })), []);
  t.equal(m.failures, 1, 'the epoch we killed is not another crash');
  t.equal(m.state, 'backingOff');
  t.same(find(step(m, { type: 'backoffElapsed' }), 'spawn'), { type: 'spawn', epoch: 0, reason: 'crash' });
});

t.test('the back-off waits for killed epochs to exit before starting epoch 0', async (t) => {
  const m = liveAt1WithParentDraining();
  step(m, { type: 'epochExited', epoch: 1, exit: crash });
  t.same(kinds(step(m, { type: 'backoffElapsed' })), [], 'epoch 0 still holds the hot-restart sockets');
  t.same(find(step(m, { type: 'epochExited', epoch: 0, exit: { code: null, signal: 'SIGKILL', status: 137 } }), 'spawn'), { type: 'spawn', epoch: 0, reason: 'crash' });
  t.equal(m.state, 'starting');
  t.equal(m.failures, 1);
});

t.test('events for unknown epochs or the wrong state change nothing', async (t) => {
  const m = liveAt0();
  t.same(step(m, { type: 'epochLive', epoch: 7 }), []);
  t.same(step(m, { type: 'backoffElapsed' }), []);
  t.same(step(m, { type: 'drainElapsed', drainMs: 1_000 }), []);
  t.same(step(m, { type: 'killDeadline' }), []);
  t.same(step(m, { type: 'start' }), []);
  t.same(step(m, { type: 'liveWaitExpired' }), []);
  t.equal(m.state, 'live');
});

t.test('POST /drain drains and holds; the next shutdown request stops envoy at once', async (t) => {
  const m = liveAt0();
  t.same(find(step(m, { type: 'drainRequested', reason: 'POST /drain' }), 'drain'), { type: 'drain', hold: true });
  t.equal(m.state, 'draining');
  t.notOk(isServing(m));
  t.same(step(m, { type: 'drainRequested', reason: 'again' }), []);
  t.same(find(step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false }), 'signal'), { type: 'signal', epochs: [0], signal: 'SIGTERM' });
  t.equal(m.state, 'stopping');
  const idle = newMachine(limits);
  t.same(kinds(step(idle, { type: 'drainRequested', reason: 'x' })), [], 'nothing to drain');
});

t.test('forwards SIGUSR1 only to epochs seen LIVE: a starting one has no handler yet', async (t) => {
  const m = newMachine(limits);
  step(m, { type: 'start' });
  t.same(kinds(step(m, { type: 'forwardRequested', signal: 'SIGUSR1' })), [], 'epoch 0 still starting: nothing sent');
  step(m, { type: 'epochLive', epoch: 0 });
  t.same(find(step(m, { type: 'forwardRequested', signal: 'SIGUSR1' }), 'signal'), { type: 'signal', epochs: [0], signal: 'SIGUSR1' });
  step(m, { type: 'reloadRequested', reason: 'test' });
  step(m, { type: 'reloadPrepared', epoch: 1, file: '/tmp/b1.json' });
  t.equal(m.state, 'hotRestarting');
  t.same(find(step(m, { type: 'forwardRequested', signal: 'SIGUSR1' }), 'signal')?.epochs, [0], 'the initializing child is spared');
});

t.test('a LIVE parent crashing while its hot-restart child initializes is a crash: the child is stopped, epoch 0 follows', async (t) => {
  const m = liveAt0();
  step(m, { type: 'reloadRequested', reason: 'test' });
  step(m, { type: 'reloadPrepared', epoch: 1, file: '/tmp/b1.json' });
  const acts = step(m, { type: 'epochExited', epoch: 0, exit: { code: null, signal: 'SIGSEGV', status: 139 } });
  t.equal(m.state, 'backingOff');
  t.notOk(isServing(m), 'readiness fails at once');
  t.equal(m.failures, 1);
  t.same(find(acts, 'signal'), { type: 'signal', epochs: [1], signal: 'SIGKILL' }, 'the initializing child is stopped');
  t.same(kinds(step(m, { type: 'backoffElapsed' })), [], 'not before the child is gone');
  t.same(find(step(m, { type: 'epochExited', epoch: 1, exit: { code: null, signal: 'SIGKILL', status: 137 } }), 'spawn'), { type: 'spawn', epoch: 0, reason: 'crash' });
});

// Rate limit of hot restarts: one in flight, one pending, and a minimum interval between starts.
// Timers are events here: scheduleReloadGap is answered by reloadGapElapsed when the test says so.
const gapped = { ...limits, hotRestartMinIntervalMs: 2_000 };

function hotRestartTo(m: Machine, epoch: number): Action[] {
  return step(m, { type: 'reloadPrepared', epoch, file: `f${epoch}` });
}

/** With the interval on: epoch 0 LIVE, a reload asked for, and epoch 1 spawned (one hot restart in flight). */
function gappedHotRestartingTo1(): Machine {
  const m = liveAt0(gapped);
  step(m, { type: 'reloadRequested', reason: 'a' });
  hotRestartTo(m, 1);
  return m;
}

t.test('a hot restart arms the minimum interval; a storm during it becomes one pending reload', async (t) => {
  const m = liveAt0(gapped);
  t.same(find(step(m, { type: 'reloadRequested', reason: 'r0' }), 'prepareReload'), { type: 'prepareReload', epoch: 1 }, 'the first request starts at once');
  const started = hotRestartTo(m, 1);
  t.same(kinds(started), ['spawn', 'scheduleReloadGap']);
  t.same(find(started, 'scheduleReloadGap'), { type: 'scheduleReloadGap', ms: 2_000 });
  for (let i = 1; i <= 10; i++) t.same(kinds(step(m, { type: 'reloadRequested', reason: `r${i}` })), [], `request ${i} merges into the pending one`);
  t.ok(m.reloadPending);
  t.same(kinds(step(m, { type: 'epochLive', epoch: 1 })), ['scheduleBudgetReset'], 'LIVE, but the interval has not passed: nothing starts');
  t.equal(m.state, 'live');
  for (let i = 11; i <= 15; i++) t.same(kinds(step(m, { type: 'reloadRequested', reason: `r${i}` })), [], `request ${i} merges too`);
  t.same(find(step(m, { type: 'reloadGapElapsed' }), 'prepareReload'), { type: 'prepareReload', epoch: 2 }, 'the interval passed: the single pending reload starts');
  t.notOk(m.reloadPending);
  t.same(kinds(hotRestartTo(m, 2)), ['spawn', 'scheduleReloadGap'], 'and arms the next interval');
  t.same(kinds(step(m, { type: 'epochLive', epoch: 2 })), ['scheduleBudgetReset']);
  t.same(kinds(step(m, { type: 'reloadGapElapsed' })), [], 'no request meanwhile: nothing to start');
  t.same(kinds(step(m, { type: 'reloadRequested', reason: 'later' })), ['prepareReload'], 'a request after the interval starts at once');
});

t.test('the interval passing while the in-flight epoch still initializes waits for it to be LIVE', async (t) => {
  const m = gappedHotRestartingTo1();
  step(m, { type: 'reloadRequested', reason: 'b' });
  t.same(kinds(step(m, { type: 'reloadGapElapsed' })), [], 'still hot-restarting: one in flight at most');
  t.equal(m.state, 'hotRestarting');
  t.same(find(step(m, { type: 'epochLive', epoch: 1 }), 'prepareReload'), { type: 'prepareReload', epoch: 2 }, 'LIVE after the interval: the pending reload starts');
});

t.test('a request during the interval is pending even when no hot restart is in flight', async (t) => {
  const m = gappedHotRestartingTo1();
  step(m, { type: 'epochLive', epoch: 1 });
  t.same(kinds(step(m, { type: 'reloadRequested', reason: 'b' })), [], 'LIVE, but within the interval');
  t.same(kinds(step(m, { type: 'reloadRequested', reason: 'c' })), []);
  t.same(kinds(step(m, { type: 'reloadGapElapsed' })), ['prepareReload'], 'one reload for b and c');
});

t.test('a cold restart for a reload arms the interval too', async (t) => {
  const m = liveAt0(gapped);
  m.coldNext = true;
  step(m, { type: 'reloadRequested', reason: 'a' });
  t.same(kinds(hotRestartTo(m, 0)), ['signal', 'scheduleReloadGap']);
  step(m, { type: 'epochExited', epoch: 0, exit: clean });
  step(m, { type: 'reloadRequested', reason: 'b' });
  t.same(kinds(step(m, { type: 'epochLive', epoch: 0 })), ['scheduleBudgetReset'], 'LIVE within the interval: b waits');
  t.same(kinds(step(m, { type: 'reloadGapElapsed' })), ['prepareReload']);
});

t.test('a shutdown drops the pending reload; the interval ending later starts nothing', async (t) => {
  const m = gappedHotRestartingTo1();
  step(m, { type: 'reloadRequested', reason: 'b' });
  step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false });
  t.same(kinds(step(m, { type: 'reloadGapElapsed' })), []);
  t.equal(m.state, 'draining');
});

t.test('the kill deadline is armed once per shutdown, and again after it fires while draining', async (t) => {
  const m = liveAt0();
  step(m, { type: 'drainRequested', reason: 'POST /drain' });
  t.equal(m.killArmed, false, 'a held drain has no deadline');
  t.same(kinds(step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false })), ['signal', 'scheduleKillDeadline'], 'stopping arms it');
  t.same(kinds(step(m, { type: 'killDeadline' })), ['signal'], 'already stopping: not armed again');
});

t.test('envoy exiting 0 with other epochs running arms the kill deadline for them', async (t) => {
  const m = liveAt1WithParentDraining();
  t.same(kinds(step(m, { type: 'epochExited', epoch: 1, exit: clean, file: 'f1' })), ['discardFile', 'signal', 'scheduleKillDeadline']);
});

t.test("bootstrap files: an exited epoch's is removed, the cold restart's and the custom config never", async (t) => {
  const m = newMachine(limits, '/custom.json');
  step(m, { type: 'start' });
  t.same(find(step(m, { type: 'epochExited', epoch: 0, exit: crash, file: '/custom.json' }), 'discardFile'), undefined, 'the custom config stays');
  const live = liveAt0();
  step(live, { type: 'reloadRequested', reason: 'r' });
  step(live, { type: 'reloadPrepared', epoch: 1, file: 'f1' });
  t.same(find(step(live, { type: 'epochExited', epoch: 0, exit: clean, file: 'f0' }), 'discardFile'), { type: 'discardFile', file: 'f0' });
  const cold = liveAt0();
  cold.coldNext = true;
  step(cold, { type: 'reloadRequested', reason: 'r' });
  step(cold, { type: 'reloadPrepared', epoch: 0, file: 'f0' });
  t.equal(cold.state, 'coldRestarting');
  t.same(find(step(cold, { type: 'epochExited', epoch: 0, exit: clean, file: 'f0' }), 'discardFile'), undefined, 'epoch 0 starts again from it');
});

t.test("a rejected reload's file is removed unless a running epoch started from it", async (t) => {
  const m = liveAt0();
  step(m, { type: 'reloadRequested', reason: 'r' });
  t.same(find(step(m, { type: 'reloadRejected', epoch: 1, reason: 'bad', file: 'f1' }), 'discardFile'), { type: 'discardFile', file: 'f1' });
  step(m, { type: 'reloadRequested', reason: 'r' });
  t.same(find(step(m, { type: 'reloadRejected', epoch: 0, reason: 'bad', file: 'f0' }), 'discardFile'), undefined, 'epoch 0 runs from it');
});

t.test('never discards the user\'s --customConfigFile when a reload prepared from it arrives too late to be used', async (t) => {
  const custom = '/etc/istio/custom/envoy.json';
  for (const late of ['shutdown', 'not live'] as const) {
    const m = newMachine(limits, custom);
    step(m, { type: 'start' });
    if (late === 'shutdown') {
      step(m, { type: 'epochLive', epoch: 0 });
      step(m, { type: 'reloadRequested', reason: 'SIGHUP' });
      step(m, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false });
    } else {
      step(m, { type: 'reloadRequested', reason: 'SIGHUP' });
    }
    const acts = step(m, { type: 'reloadPrepared', epoch: 1, file: custom });
    t.notOk(find(acts, 'discardFile'), `${late}: the custom file is kept`);
    const generated = newMachine(limits);
    step(generated, { type: 'start' });
    step(generated, { type: 'epochLive', epoch: 0 });
    step(generated, { type: 'reloadRequested', reason: 'SIGHUP' });
    step(generated, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false });
    t.equal(find(step(generated, { type: 'reloadPrepared', epoch: 1, file: '/x/envoy-rev1.json' }), 'discardFile')?.file, '/x/envoy-rev1.json', 'a generated file is still cleaned up');
  }
});

t.test("the agent's end removes Envoy's hot-restart shared memory only once no epoch of its base id runs", async (t) => {
  const drained = liveAt1WithParentDraining();
  step(drained, { type: 'shutdownRequested', reason: 'SIGTERM', fast: false });
  step(drained, { type: 'drainElapsed', drainMs: 1_000 });
  t.same(kinds(step(drained, { type: 'epochExited', epoch: 0, exit: clean })), [], 'epoch 1 still runs: nothing to release yet');
  t.same(kinds(step(drained, { type: 'epochExited', epoch: 1, exit: clean })), ['releaseHotRestartState', 'exit'], 'the last one gone: release, then exit');

  // Giving up while a draining parent is still being killed: it may still be attached, so the region stays.
  const m = newMachine({ ...limits, restartBudget: 1 });
  step(m, { type: 'start' });
  step(m, { type: 'epochLive', epoch: 0 });
  step(m, { type: 'reloadRequested', reason: 'certs' });
  step(m, { type: 'reloadPrepared', epoch: 1, file: 'f1' });
  step(m, { type: 'epochLive', epoch: 1 });
  const acts = step(m, { type: 'epochExited', epoch: 1, exit: crash });
  t.same(kinds(acts), ['signal', 'giveUp', 'exit'], 'epoch 0 is being killed: no release');
});
