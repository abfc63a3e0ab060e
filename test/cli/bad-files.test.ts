import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runAgent, seedPodEnv, stubBin } from '../helpers/agent.js';
import { assertRejected, hangTimeout, proxyArgs, spyEnvoy } from '../helpers/rejected.js';

// Files named by flags or env vars are read at start: only a regular file, at most 1 MiB. A FIFO or
// /dev/zero used to block the main thread (SIGTERM ignored, memory growing); a bad --configPath used
// to spin in mkdir. Each must end by itself with exit 2 and one line, and envoy must never start.

t.test('a template that is /dev/zero is refused without reading it', async (t) => {
  const r = await runAgent(['bootstrap', '--templateFile', '/dev/zero'], seedPodEnv, hangTimeout);
  assertRejected(t, r, /^error: cannot read "\/dev\/zero" \(--templateFile\): is a character device, not a regular file/);
});

t.test('proxy with a FIFO template exits 2 and never starts envoy', async (t) => {
  const dir = t.testdir();
  const fifo = join(dir, 'template.fifo');
  execFileSync('mkfifo', [fifo]);
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent([...args, '--templateFile', fifo], { ...seedPodEnv, ...env }, hangTimeout);
  assertRejected(t, r, /cannot read ".*template\.fifo" \(--templateFile\): is a FIFO \(named pipe\), not a regular file/);
  t.notOk(envoy.started(), 'envoy never started');
});

t.test('ISTIO_BOOTSTRAP naming a FIFO is named in the error', async (t) => {
  const dir = t.testdir();
  const fifo = join(dir, 'template.fifo');
  execFileSync('mkfifo', [fifo]);
  const r = await runAgent(['bootstrap'], { ...seedPodEnv, ISTIO_BOOTSTRAP: fifo }, hangTimeout);
  assertRejected(t, r, /cannot read ".*template\.fifo" \(ISTIO_BOOTSTRAP\): is a FIFO/);
});

t.test('a custom config file that is a FIFO is refused', async (t) => {
  const dir = t.testdir();
  const fifo = join(dir, 'custom.fifo');
  execFileSync('mkfifo', [fifo]);
  const r = await runAgent(['bootstrap', '--customConfigFile', fifo], seedPodEnv, hangTimeout);
  assertRejected(t, r, /cannot read ".*custom\.fifo" \(--customConfigFile\): is a FIFO \(named pipe\), not a regular file/);
});

t.test('a template that is a directory is refused', async (t) => {
  const dir = t.testdir();
  const r = await runAgent(['bootstrap', '--templateFile', dir], seedPodEnv, hangTimeout);
  assertRejected(t, r, /\(--templateFile\): is a directory, not a regular file/);
});

t.test('a template larger than 1 MiB is refused', async (t) => {
  const dir = t.testdir();
  const big = join(dir, 'big.json');
  writeFileSync(big, `{"pad":"${'x'.repeat(1024 * 1024)}"}`);
  const r = await runAgent(['bootstrap', '--templateFile', big], seedPodEnv, hangTimeout);
  assertRejected(t, r, /cannot read ".*big\.json" \(--templateFile\): is larger than 1 MiB/);
});

t.test('proxy with --configPath under /proc exits 2 instead of spinning in mkdir', async (t) => {
  const dir = t.testdir();
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent([...args, '--configPath', '/proc/x'], { ...seedPodEnv, ...env }, hangTimeout);
  assertRejected(t, r, /^error: invalid value "\/proc\/x" for --configPath: expected a writable directory, or one that can be created/);
  t.notOk(envoy.started(), 'envoy never started');
});

t.test('proxy with --configPath naming a regular file exits 2', async (t) => {
  const dir = t.testdir({ 'not-a-dir': 'x' });
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent([...args, '--configPath', join(dir, 'not-a-dir')], { ...seedPodEnv, ...env }, hangTimeout);
  assertRejected(t, r, /for --configPath: expected a writable directory, or one that can be created \(.*not-a-dir exists and is not a directory\)/);
  t.notOk(envoy.started(), 'envoy never started');
});

t.test('proxy with --configPath below a regular file names the file', async (t) => {
  const dir = t.testdir({ 'not-a-dir': 'x' });
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent([...args, '--configPath', join(dir, 'not-a-dir', 'proxy')], { ...seedPodEnv, ...env }, hangTimeout);
  assertRejected(t, r, /for --configPath: .*not-a-dir exists and is not a directory/);
  t.notOk(envoy.started(), 'envoy never started');
});

t.test('proxy with a custom config envoy rejects exits 2 at once instead of crash-looping through the budget', async (t) => {
  const dir = t.testdir();
  const custom = join(dir, 'custom.json');
  writeFileSync(custom, '{\n  nope\n}\n');
  const events = join(dir, 'events.jsonl');
  const { args, env } = await proxyArgs(dir, spyEnvoy(dir));
  const withStub = args.map((a, i) => (args[i - 1] === '--binaryPath' ? stubBin : a));
  const r = await runAgent([...withStub, '--customConfigFile', custom], { ...seedPodEnv, ...env, ENVOY_STUB_EVENT_LOG: events, ENVOY_STUB_SHM_DIR: dir }, hangTimeout);
  assertRejected(t, r, /invalid value ".*custom\.json" for --customConfigFile: a config envoy accepts; envoy --mode validate failed \(1\): .*Unable to parse JSON/);
  const starts = readFileSync(events, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; mode?: string }).filter((e) => e.event === 'start');
  t.same(starts.map((e) => e.mode), ['validate'], 'envoy only ever ran in validate mode');
});
