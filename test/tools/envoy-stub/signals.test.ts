// Signals as Envoy handles them: TERM/INT exit 0 at once, USR1 reopens the log file, HUP is eaten.

import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { bootstrap, events, startStub, writeBootstrap } from '../../fixtures/stub/harness.js';
import { request, waitFor } from '../../helpers/net.js';

async function start(t: Test, args: string[] = []) {
  const dir = t.testdir();
  const stub = startStub(t, dir, { args: ['-c', writeBootstrap(dir, bootstrap()), '--disable-hot-restart', ...args] });
  const admin = await stub.admin();
  await waitFor('LIVE', async () => (await request(`${admin}/ready`)).status === 200);
  return { dir, stub, admin };
}

t.test('SIGTERM: "caught ENVOY_SIGTERM", shutdown without drain, exit 0', async (t) => {
  const { stub, dir } = await start(t);
  process.kill(stub.pid, 'SIGTERM');
  t.same(await stub.exited, { code: 0, signal: null });
  t.match(stub.stderr(), /\[warning\]\[main\] \[source\/server\/server\.cc:\d+\] caught ENVOY_SIGTERM\n/);
  t.match(stub.stderr(), /shutting down server instance/);
  t.match(events(dir).at(-1), { event: 'exit', code: 0, reason: 'SIGTERM' });
});

t.test('SIGINT: "caught SIGINT", exit 0', async (t) => {
  const { stub } = await start(t);
  process.kill(stub.pid, 'SIGINT');
  t.equal((await stub.exited).code, 0);
  t.match(stub.stderr(), /caught SIGINT/);
});

t.test('SIGHUP is logged and ignored', async (t) => {
  const { stub, admin } = await start(t);
  process.kill(stub.pid, 'SIGHUP');
  await waitFor('HUP line', () => /caught and eating SIGHUP\. See documentation for how to hot restart\./.test(stub.stderr()));
  t.equal((await request(`${admin}/ready`)).status, 200);
});

t.test('SIGUSR1 and /reopen_logs reopen the --log-path file; -l filters lines', async (t) => {
  const dir = t.testdir();
  const log = join(dir, 'envoy.log');
  const stub = startStub(t, dir, { args: ['-c', writeBootstrap(dir, bootstrap()), '--disable-hot-restart', '--log-path', log, '--log-format', '%l|%n|%v'] });
  const admin = await stub.admin();
  await waitFor('log file', () => existsSync(log) && /info\|main\|starting workers/.test(readFileSync(log, 'utf8')));
  t.equal(stub.stderr(), '', 'nothing on stderr with --log-path');
  renameSync(log, `${log}.1`);
  process.kill(stub.pid, 'SIGUSR1');
  await waitFor('a new log file', () => existsSync(log));
  t.match(readFileSync(`${log}.1`, 'utf8'), /caught SIGUSR1\. Reopening access logs\./);
  await request(`${admin}/reset_counters`);
  await waitFor('new lines in the new file', () => /mutates state/.test(readFileSync(log, 'utf8')));
  renameSync(log, `${log}.2`);
  await request(`${admin}/reopen_logs`, 'POST');
  await waitFor('reopened by /reopen_logs', () => existsSync(log));
  await request(`${admin}/healthcheck/fail`);
  await waitFor('lines after /reopen_logs', () => /healthcheck\/fail/.test(readFileSync(log, 'utf8')));

  const quiet = startStub(t, t.testdir(), { args: ['-c', writeBootstrap(dir, bootstrap(), 'b2.json'), '--disable-hot-restart', '-l', 'error'] });
  await quiet.admin();
  process.kill(quiet.pid, 'SIGTERM');
  await quiet.exited;
  t.equal(quiet.stderr(), '', 'info and warning lines are filtered at -l error');
});

t.test('a bad --log-path fails at start with exit 1', async (t) => {
  const dir = t.testdir();
  const stub = startStub(t, dir, { args: ['-c', writeBootstrap(dir, bootstrap()), '--log-path', join(dir, 'no/such/dir/x.log')] });
  t.equal((await stub.exited).code, 1);
  // Envoy 1.40: the critical line, then the reason alone (checked against it in test/differential/cli-errors.test.ts).
  t.match(stub.stderr(), /\[critical\]\[main\] .* error `Failed to open log-file '.*x\.log'\. e\.what\(\): .*: No such file or directory` initializing config '.*'\nFailed to open log-file '.*x\.log'\. e\.what\(\): /);
});
