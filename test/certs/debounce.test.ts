import t from 'tap';
import { Debouncer } from '../../src/certs/debounce.js';
import { ManualClock } from '../helpers/manual-clock.js';

// A manual clock: the windows are decided by the time the test moves, not by how busy the machine is.

t.test('a burst of pokes fires once, after the quiet window', async (t) => {
  const clock = new ManualClock();
  let fired = 0;
  const d = new Debouncer(30, 10_000, () => void (fired += 1), clock);
  for (let i = 0; i < 100; i++) d.poke();
  t.equal(d.pending, true);
  await clock.advance(29);
  t.equal(fired, 0, 'not inside the quiet window');
  await clock.advance(1);
  t.equal(fired, 1);
  t.equal(d.pending, false);
  await clock.advance(10_000);
  t.equal(fired, 1, 'once for the whole burst');
});

t.test('pokes that never stop still fire, at the ceiling', async (t) => {
  const clock = new ManualClock();
  const firedAt: number[] = [];
  const d = new Debouncer(40, 100, () => void firedAt.push(clock.now()), clock);
  // A poke every 10 ms for 400 ms: the quiet window never comes, the ceiling does.
  for (let i = 0; i < 40; i++) {
    d.poke();
    await clock.advance(10);
  }
  d.cancel();
  t.same(firedAt, [100, 200, 300, 400], 'at the ceiling, 100 ms after the first poke of each run');
});

t.test('cancel drops the pending fire', async (t) => {
  const clock = new ManualClock();
  let fired = 0;
  const d = new Debouncer(10, 100, () => void (fired += 1), clock);
  d.poke();
  d.cancel();
  t.equal(d.pending, false);
  await clock.advance(1_000);
  t.equal(fired, 0);
});
