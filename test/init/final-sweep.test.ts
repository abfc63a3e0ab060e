import t from 'tap';
import { reaperModes, runFixture } from '../helpers/pid-namespace.js';

// Before exit: TERM what is left, KILL what ignores TERM, reap everything (zombies too).
for (const mode of reaperModes) {
  t.test(`${mode}: the final sweep leaves no process and no zombie`, async (t) => {
    const run = runFixture(t, 'sweep.mjs', mode, ['500']);
    const { result } = (await run.waitFor((l) => 'result' in l)) as { result: Record<string, unknown> };
    t.same(result.before, { zombies: 2, anyZombieInNamespace: mode === 'pid1' ? 2 : null, running: 5 }, 'the leftovers were there');
    t.same(result.sweep, { leftovers: 5, killed: 2, clean: true }, 'five to stop, the two ignoring SIGTERM needed SIGKILL');
    t.equal(result.trackedSignal, 'SIGTERM', 'our own child got SIGTERM and Node saw its exit');
    t.equal(result.reaped, 6, 'four sleeping orphans and two zombies were reaped (the tracked child was left to libuv)');
    t.equal(result.zombies, 0, 'no zombie left');
    t.equal(result.running, 0, 'nothing left running');
    if (mode === 'pid1') t.equal(result.anyZombieInNamespace, 0);
    t.equal(await run.exited, 0);
  });
}
