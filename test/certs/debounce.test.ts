import t from 'tap';
import { Debouncer } from '../../src/certs/debounce.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

t.test('a burst of pokes fires once, after the burst', async (t) => {
  let fired = 0;
  const d = new Debouncer(30, 10_000, () => void (fired += 1));
  for (let i = 0; i < 100; i++) d.poke();
  t.equal(d.pending, true);
  await sleep(100);
  t.equal(fired, 1);
  t.equal(d.pending, false);
});

t.test('pokes that never stop still fire, at the ceiling', async (t) => {
  let fired = 0;
  const d = new Debouncer(40, 100, () => void (fired += 1));
  // A poke every 10 ms for 400 ms: the quiet window never comes, the ceiling does.
  for (let i = 0; i < 40; i++) {
    d.poke();
    await sleep(10);
  }
  d.cancel();
  t.ok(fired >= 2, `fired ${fired} times during 40 pokes`);
});

t.test('cancel drops the pending fire', async (t) => {
  let fired = 0;
  const d = new Debouncer(10, 100, () => void (fired += 1));
  d.poke();
  d.cancel();
  await sleep(50);
  t.equal(fired, 0);
});
