// The ENVOY_STUB_* fault switches tests and demos use (documented in tools/envoy-stub/README.md).

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import t, { type Test } from 'tap';
import { bootstrap, events, startStub, writeBootstrap } from '../../fixtures/stub/harness.js';
import { request, waitFor } from '../../helpers/net.js';

type T = Test;

function start(t: T, dir: string, env: Record<string, string>, extra: string[] = []) {
  const config = existsSync(join(dir, 'envoy.json')) ? join(dir, 'envoy.json') : writeBootstrap(dir, bootstrap());
  return startStub(t, dir, { args: ['-c', config, '--disable-hot-restart', ...extra], env, adminFile: `admin-${Math.random().toString(36).slice(2)}.addr` });
}

t.test('ENVOY_STUB_LIVE_DELAY_MS holds the server INITIALIZING before LIVE', async (t) => {
  const dir = t.testdir();
  // A delay no loaded machine outlasts shows the hold; a short one shows that LIVE follows it.
  const held = start(t, dir, { ENVOY_STUB_LIVE_DELAY_MS: '600000' });
  const heldAdmin = await held.admin();
  const early = await request(`${heldAdmin}/ready`);
  t.same([early.status, early.body], [503, 'INITIALIZING\n']);
  t.equal(JSON.parse((await request(`${heldAdmin}/server_info`)).body).state, 'INITIALIZING');
  const dir2 = join(dir, 'short');
  mkdirSync(dir2);
  const stub = start(t, dir2, { ENVOY_STUB_LIVE_DELAY_MS: '100' });
  const admin = await stub.admin();
  await waitFor('LIVE', async () => (await request(`${admin}/ready`)).status === 200);
  t.same(events(dir2).filter((e) => e.event === 'state').map((e) => e.to), ['INITIALIZING', 'LIVE']);
});

t.test('ENVOY_STUB_CRASH_AFTER_MS exits with ENVOY_STUB_CRASH_EXIT_CODE, or dies by ENVOY_STUB_CRASH_SIGNAL', async (t) => {
  const byCode = start(t, t.testdir(), { ENVOY_STUB_CRASH_AFTER_MS: '200', ENVOY_STUB_CRASH_EXIT_CODE: '7' });
  t.same(await byCode.exited, { code: 7, signal: null });
  for (const signal of ['SIGSEGV', 'SIGKILL', 'SIGABRT'] as const) {
    const bySignal = start(t, t.testdir(), { ENVOY_STUB_CRASH_AFTER_MS: '100', ENVOY_STUB_CRASH_SIGNAL: signal });
    t.same(await bySignal.exited, { code: null, signal }, signal);
  }
  const dir = t.testdir();
  const short = start(t, dir, { ENVOY_STUB_CRASH_AFTER_MS: '0', ENVOY_STUB_CRASH_SIGNAL: 'TERM' });
  t.same((await short.exited).signal, 'SIGTERM', 'the signal name may omit SIG');
  t.match(events(dir).at(-1), { event: 'exit', signal: 'SIGTERM', reason: 'ENVOY_STUB_CRASH_AFTER_MS' });
});

t.test('ENVOY_STUB_CRASH_FIRST_STARTS crashes only the first K starts counted in ENVOY_STUB_STATE_DIR', async (t) => {
  const dir = t.testdir();
  // LIVE is held past the crash delay: both are timers of the stub's own loop, which fire in the order
  // they are due, so a start that reaches LIVE would have crashed first, however loaded the machine.
  const env = { ENVOY_STUB_CRASH_AFTER_MS: '50', ENVOY_STUB_LIVE_DELAY_MS: '200', ENVOY_STUB_CRASH_EXIT_CODE: '3', ENVOY_STUB_CRASH_FIRST_STARTS: '2', ENVOY_STUB_STATE_DIR: join(dir, 'state') };
  for (let i = 1; i <= 2; i++) t.equal((await start(t, dir, env).exited).code, 3, `start ${i} crashes`);
  const third = start(t, dir, env);
  const admin = await third.admin();
  await waitFor('LIVE', async () => (await request(`${admin}/ready`)).status === 200);
  t.notOk(third.hasExited(), 'the third start keeps running');
  t.equal(readFileSync(join(dir, 'state', 'starts'), 'utf8'), '3');
});

t.test('ENVOY_STUB_IGNORE_SIGTERM ignores TERM (INT and /quitquitquit still work)', async (t) => {
  const dir = t.testdir();
  const stub = start(t, dir, { ENVOY_STUB_IGNORE_SIGTERM: '1' });
  const admin = await stub.admin();
  await waitFor('LIVE', async () => (await request(`${admin}/ready`)).status === 200);
  process.kill(stub.pid, 'SIGTERM');
  await waitFor('the TERM event', () => events(dir).some((e) => e.event === 'signal' && e.signal === 'SIGTERM' && e.ignored === true));
  t.equal((await request(`${admin}/ready`)).status, 200, 'still serving');
  process.kill(stub.pid, 'SIGINT');
  t.equal((await stub.exited).code, 0);
});

t.test('ENVOY_STUB_HANG_ADMIN accepts admin connections and never answers', async (t) => {
  const dir = t.testdir();
  const stub = start(t, dir, { ENVOY_STUB_HANG_ADMIN: '1' });
  const admin = new URL(await stub.admin());
  const socket = net.connect(Number(admin.port), admin.hostname);
  t.teardown(() => socket.destroy());
  let answered = false;
  socket.on('data', () => (answered = true));
  await new Promise((r) => socket.once('connect', r));
  socket.write('GET /ready HTTP/1.1\r\nHost: x\r\n\r\n');
  await waitFor('the request to be logged', () => events(dir).some((e) => e.event === 'admin' && e.path === '/ready'));
  t.notOk(stub.hasExited());
  // An answer would be written when the request is logged; the connection's close, once the stub is
  // gone, comes after any bytes it sent.
  const closed = new Promise((r) => socket.once('close', r));
  process.kill(stub.pid, 'SIGKILL');
  await closed;
  t.notOk(answered, 'no response');
});

t.test('ENVOY_STUB_GRANDCHILDREN starts processes that leave the stub at once', async (t) => {
  const dir = t.testdir();
  const stub = start(t, dir, { ENVOY_STUB_GRANDCHILDREN: '2', ENVOY_STUB_GRANDCHILD_LIFETIME_MS: '300' });
  await stub.admin();
  const kids = await waitFor('two grandchildren', () => {
    const g = events(dir).filter((e) => e.event === 'grandchild');
    return g.length === 2 ? g : undefined;
  });
  for (const k of kids) {
    t.ok(Number(k.pid) > 0);
    // The intermediate shell is gone, so the sleeper is no longer the stub's descendant.
    let ppid = -1;
    try {
      ppid = Number(readFileSync(`/proc/${k.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    } catch {
      ppid = 0; // already finished and reaped
    }
    t.not(ppid, stub.pid, 'not a child of the stub');
  }
});

t.test('ENVOY_STUB_EVENT_LOG records start, admin requests, state changes, signals and exit', async (t) => {
  const dir = t.testdir();
  const stub = start(t, dir, {}, ['--restart-epoch', '0']);
  const admin = await stub.admin();
  await waitFor('LIVE', async () => (await request(`${admin}/ready`)).status === 200);
  await request(`${admin}/healthcheck/fail`, 'POST');
  process.kill(stub.pid, 'SIGTERM');
  await stub.exited;
  const log = events(dir);
  t.match(log[0], { event: 'start', pid: stub.pid, epoch: 0, mode: 'serve', argv: ['-c', join(dir, 'envoy.json'), '--disable-hot-restart', '--restart-epoch', '0', '--admin-address-path', /admin-/] });
  t.ok(log.some((e) => e.event === 'admin' && e.method === 'POST' && e.path === '/healthcheck/fail'));
  t.ok(log.some((e) => e.event === 'state' && e.to === 'DRAINING'));
  t.ok(log.some((e) => e.event === 'signal' && e.signal === 'SIGTERM'));
  t.match(log.at(-1), { event: 'exit', code: 0 });
  t.ok(log.every((e) => typeof e.ts === 'string' && e.pid === stub.pid));
});

t.test('a malformed switch value is refused at start', async (t) => {
  const stub = start(t, t.testdir(), { ENVOY_STUB_LIVE_DELAY_MS: 'soon' });
  t.equal((await stub.exited).code, 1);
  t.match(stub.stderr(), /ENVOY_STUB_LIVE_DELAY_MS must be a non-negative integer/);
});
