import t from 'tap';
import { reaperModes, runFixture } from '../helpers/pid-namespace.js';

// Reference §3.3: in every round our own child is already a zombie when the reaper passes, next to
// three orphan zombies. A reaper that consumed it would leave execa waiting forever.
for (const mode of reaperModes) {
  t.test(`${mode}: our own zombie is seen in each of 120 passes and left to libuv`, async (t) => {
    const run = runFixture(t, 'race.mjs', mode, ['120']);
    const { result } = (await run.waitFor((l) => 'result' in l)) as { result: Record<string, unknown> };
    t.equal(result.visible, 120, 'the child zombie was visible to the reaper in every round');
    t.equal(result.hung, 0, 'no execa call hung');
    t.same(result.wrong, []);
    t.equal(result.correct, 120, 'every exit code arrived');
    t.equal(result.orphansReaped, 360, 'the three orphans of every round were reaped');
    t.equal(result.zombies, 0, 'no zombie left');
    t.equal(await run.exited, 0);
  });
}
