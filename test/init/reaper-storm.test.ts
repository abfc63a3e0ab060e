import t from 'tap';
import { reaperModes, runFixture } from '../helpers/pid-namespace.js';

// 1000 orphans (double-forked sleeps of 0–40 ms) die while 120 execa children run; no child may
// lose its exit status to the reaper, and nothing may be left behind.
for (const mode of reaperModes) {
  t.test(`${mode}: 1000 orphans are reaped while 120 execa children all get their own exit status`, async (t) => {
    const run = runFixture(t, 'storm.mjs', mode, ['1000', '120']);
    const { result } = (await run.waitFor((l) => 'result' in l)) as { result: Record<string, unknown> };
    t.equal(result.mode, mode);
    t.equal(result.hung, 0, 'no execa child hung');
    t.same(result.wrong, [], 'no exit code or signal was wrong');
    t.equal(result.correct, 120, 'all 120 children reported correctly (every 10th killed by SIGTERM)');
    t.equal(result.reaped, 1000, 'every orphan was reaped, and nothing else');
    t.equal(result.zombies, 0, 'no zombie child left');
    t.equal(result.running, 0, 'nothing left running');
    if (mode === 'pid1') t.equal(result.anyZombieInNamespace, 0, 'no zombie anywhere in the namespace');
    t.equal(await run.exited, 0);
  });
}
