import t from 'tap';
import { composeMessage } from '../../src/supervisor/termination.js';

const exit = { code: 1, signal: null, status: 1 };
const bytes = (s: string): number => Buffer.byteLength(s);
const report = (stderr: string[]) => ({ epoch: 3, exit, failures: 10, stderr });

t.test('a short message is kept whole', async (t) => {
  const m = composeMessage(report(['a', 'b']));
  t.equal(m, 'envoy (epoch 3) exited with code 1; gave up after 10 consecutive failed starts.\nlast envoy stderr lines:\na\nb\n');
});

t.test('multi-byte stderr is cut to 4096 bytes, keeping the head and the newest lines whole', async (t) => {
  // 50 lines of 120 characters, 3 bytes each (360 bytes): 4096 characters would be ~12 KB.
  const lines = Array.from({ length: 50 }, (_, i) => `${String(i).padStart(2, '0')} ${'€'.repeat(117)}`);
  const m = composeMessage(report(lines));
  t.ok(bytes(m) <= 4096, `${bytes(m)} bytes`);
  t.ok(m.startsWith('envoy (epoch 3) exited with code 1; gave up after 10 consecutive failed starts.\n'), 'the head is kept');
  t.ok(m.endsWith(`${lines.at(-1)}\n`), 'the newest line is kept');
  const body = m.split('\n...\n')[1]!.trimEnd().split('\n');
  t.same(body, lines.slice(-body.length), 'a run of the newest lines, each whole');
  t.ok(body.length >= 10, `${body.length} lines kept`);
  t.notMatch(m, /\uFFFD/, 'no character was split');
});

t.test('mixed 1- to 4-byte characters never split, whatever the cut point', async (t) => {
  for (let pad = 0; pad < 8; pad++) {
    const lines = Array.from({ length: 40 }, (_, i) => `${'x'.repeat(pad)}${i} a😀é€${'😀é€b'.repeat(20)}`);
    const m = composeMessage(report(lines));
    t.ok(bytes(m) <= 4096, `pad ${pad}: ${bytes(m)} bytes`);
    t.ok(bytes(m) > 4096 - 200, `pad ${pad}: the room is used`);
    t.notMatch(m, /\uFFFD/, `pad ${pad}: no character was split`);
    t.ok(m.endsWith(`${lines.at(-1)}\n`), `pad ${pad}: the newest line is kept`);
  }
});

t.test('a single newest line longer than the limit keeps its end, cut on a character boundary', async (t) => {
  const m = composeMessage(report(['older', `start ${'ж'.repeat(3000)} end`]));
  t.ok(bytes(m) <= 4096, `${bytes(m)} bytes`);
  t.ok(m.endsWith('ж end\n'));
  t.notMatch(m, /\uFFFD/);
  t.notMatch(m, /older/);
});

t.test('an enormous spawn error is cut too', async (t) => {
  const m = composeMessage({ epoch: 0, exit: { code: null, signal: null, status: 127, spawnError: 'ü'.repeat(5000) }, failures: 10, stderr: ['tail'] });
  t.ok(bytes(m) <= 4096, `${bytes(m)} bytes`);
  t.notMatch(m, /\uFFFD/);
  t.ok(m.endsWith('tail\n'));
});
