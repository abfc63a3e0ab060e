// kube-inject reads what it is told to: a manifest, a values file, a mesh config. A FIFO, /dev/zero or a
// runaway pipe must be refused with one line, not read forever.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { fixtures, inject } from '../fixtures/inject/harness.js';

function refused(t: Test, out: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  t.equal(out.code, 2, out.stderr);
  t.equal(out.stdout, '', 'nothing on stdout');
  t.equal(out.stderr.trimEnd().split('\n').length, 1, 'one line');
  t.match(out.stderr, pattern);
}

t.test('-f /dev/zero is refused without reading it', async (t) => {
  refused(t, await inject(['-f', '/dev/zero']), /\/dev\/zero.*is a character device, not a regular file/);
});

t.test('-f naming a FIFO is refused without waiting for a writer', async (t) => {
  const fifo = join(t.testdir(), 'manifest.fifo');
  execFileSync('mkfifo', [fifo]);
  refused(t, await inject(['-f', fifo]), /manifest\.fifo.*is a FIFO \(named pipe\), not a regular file/);
});

t.test('--meshConfigFile and --valuesFile naming /dev/zero are refused', async (t) => {
  refused(t, await inject(['-f', `${fixtures}productpage.yaml`, '--meshConfigFile', '/dev/zero']), /\/dev\/zero.*is a character device/);
  refused(t, await inject(['-f', `${fixtures}productpage.yaml`, '--valuesFile', '/dev/zero']), /\/dev\/zero.*is a character device/);
});

t.test('stdin larger than 16 MiB is refused', async (t) => {
  refused(t, await inject(['-f', '-'], 'x'.repeat(17 * 1024 * 1024)), /<stdin>.*is larger than 16 MiB/);
});
