// Hot restart between epochs of one base id, as Envoy does it: admin and listeners move to the
// child, the parent drains and exits 0 after --parent-shutdown-time-s; and its failure modes.

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { bootstrap, events, startStub, stat, uniqueBaseId, writeBootstrap, type StubProcess } from '../../fixtures/stub/harness.js';
import { freePort, request, waitFor } from '../../helpers/net.js';

type T = Test;

function epoch(t: T, dir: string, baseId: number, n: number, extra: string[] = [], env: Record<string, string> = {}, config = 'envoy.json'): StubProcess {
  return startStub(t, dir, {
    args: ['-c', join(dir, config), '--base-id', String(baseId), '--restart-epoch', String(n), ...extra],
    adminFile: `admin-${n}-${Math.random().toString(36).slice(2)}.addr`,
    env,
  });
}

const ready = async (admin: string) => (await request(`${admin}/ready`).catch(() => ({ status: 0 }))).status === 200;

t.test('a full hot restart: the child takes over, the listener answers throughout, the parent exits 0', async (t) => {
  const dir = t.testdir();
  const port = await freePort();
  writeBootstrap(dir, bootstrap({ listenerPort: port }));
  const baseId = uniqueBaseId();
  const timing = ['--drain-time-s', '1', '--parent-shutdown-time-s', '2'];
  const parent = epoch(t, dir, baseId, 0, timing);
  const parentAdmin = await parent.admin();
  await waitFor('epoch 0 LIVE', () => ready(parentAdmin));

  // Keep asking on fresh connections for the whole hot restart.
  const results: (number | string)[] = [];
  let stop = false;
  const traffic = (async () => {
    while (!stop) {
      results.push(await request(`http://127.0.0.1:${port}/`).then((r) => r.status, (e: NodeJS.ErrnoException) => e.code ?? 'error'));
    }
  })();

  const child = epoch(t, dir, baseId, 1, timing);
  const childAdmin = await child.admin();
  await waitFor('epoch 1 LIVE', () => ready(childAdmin));
  t.equal(await stat(childAdmin, 'server.hot_restart_epoch'), 1);
  t.equal(await stat(childAdmin, 'server.hot_restart_generation'), 2);
  const info = JSON.parse((await request(`${childAdmin}/server_info`)).body);
  t.equal(info.command_line_options.restart_epoch, 1);
  t.ok(parseInt(info.uptime_all_epochs) >= parseInt(info.uptime_current_epoch), 'uptime_all_epochs carries over');
  await t.rejects(request(`${parentAdmin}/ready`), { code: 'ECONNREFUSED' }, 'the parent closed its admin port');

  t.same(await parent.exited, { code: 0, signal: null }, 'the parent exits 0 after the parent shutdown time');
  const before = results.length;
  await waitFor('traffic after the parent left', () => results.length > before + 5);
  stop = true;
  await traffic;
  t.ok(results.length > 10, `${results.length} requests during the restart`);
  t.same([...new Set(results)], [200], 'every request was answered');

  const parentLog = parent.stderr();
  for (const line of ['shutting down admin due to child startup', 'closing and draining listeners', 'shutting down due to child request', 'caught ENVOY_SIGTERM']) {
    t.match(parentLog, line);
  }
  t.match(child.stderr(), /shutting down parent after drain/);
  const received = events(dir).filter((e) => e.pid === parent.pid && e.event === 'hot_restart').map((e) => e.received);
  t.same(received.filter((r) => r !== 'Stats'), ['ShutdownAdmin', 'PassListenSocket', 'DrainListeners', 'Terminate']);
  t.equal((await request(`http://127.0.0.1:${port}/`)).status, 200, 'the child serves the listener');
  t.equal(await stat(childAdmin, 'server.parent_connections'), 0);
});

t.test('a second epoch 0 on the same base id cannot bind the domain socket', async (t) => {
  const dir = t.testdir();
  writeBootstrap(dir, bootstrap());
  const baseId = uniqueBaseId();
  const first = epoch(t, dir, baseId, 0);
  await first.admin();
  const second = epoch(t, dir, baseId, 0);
  t.equal((await second.exited).code, 1);
  t.equal(second.stderr().trim(), `unable to bind domain socket with base_id=${baseId * 10}, id=0, errno=98 (see --base-id option)`);
});

t.test('a child that fails before LIVE blocks later epochs until an epoch 0 starts', async (t) => {
  const dir = t.testdir();
  writeBootstrap(dir, bootstrap());
  writeBootstrap(dir, '{ broken', 'broken.json');
  const baseId = uniqueBaseId();
  const first = epoch(t, dir, baseId, 0);
  await waitFor('LIVE', async () => ready(await first.admin()));
  const bad = epoch(t, dir, baseId, 1, [], {}, 'broken.json');
  t.equal((await bad.exited).code, 1);
  const blocked = epoch(t, dir, baseId, 1);
  t.equal((await blocked.exited).code, 1);
  t.equal(blocked.stderr().trim(), 'previous envoy process is still initializing');
  process.kill(first.pid, 'SIGTERM');
  await first.exited;
  const fresh = epoch(t, dir, baseId, 0);
  await waitFor('new epoch 0 LIVE', async () => ready(await fresh.admin()));
  const next = epoch(t, dir, baseId, 1);
  await waitFor('epoch 1 LIVE', async () => ready(await next.admin()));
});

t.test('with no parent listening, epoch N retries, then aborts', async (t) => {
  const dir = t.testdir();
  writeBootstrap(dir, bootstrap());
  const baseId = uniqueBaseId();
  const first = epoch(t, dir, baseId, 0);
  await waitFor('LIVE', async () => ready(await first.admin()));
  first.child.kill('SIGKILL');
  await first.exited;
  const orphan = epoch(t, dir, baseId, 1, [], { ENVOY_STUB_HOT_RESTART_RETRIES: '3', ENVOY_STUB_HOT_RESTART_RETRY_MS: '20' });
  t.same(await orphan.exited, { code: null, signal: 'SIGABRT' });
  t.equal(orphan.stderr().match(/hot restart sendmsg\(\) connection refused, retrying/g)?.length, 3);
  t.match(orphan.stderr(), /\[critical\]\[assert\] .*hot restart sendmsg\(\) failed: returned -1, errno 111/);
  const blocked = epoch(t, dir, baseId, 1, ['--skip-hot-restart-on-no-parent']);
  t.equal((await blocked.exited).code, 1, 'the aborted child left the INITIALIZING flag set');

  const restarted = epoch(t, dir, baseId, 0);
  await waitFor('a new epoch 0', async () => ready(await restarted.admin()));
  restarted.child.kill('SIGKILL');
  await restarted.exited;
  const fallback = epoch(t, dir, baseId, 1, ['--skip-hot-restart-on-no-parent']);
  const admin = await fallback.admin();
  await waitFor('LIVE', () => ready(admin));
  t.match(fallback.stderr(), /hot restart sendmsg\(\) connection refused, falling back to regular restart/);
  t.equal(await stat(admin, 'server.hot_restart_epoch'), 1, 'keeps its epoch');
});

t.test('epoch N without the shared state (never an epoch 0) panics', async (t) => {
  const dir = t.testdir();
  writeBootstrap(dir, bootstrap());
  const baseId = uniqueBaseId();
  const lonely = epoch(t, dir, baseId, 2);
  t.same(await lonely.exited, { code: null, signal: 'SIGABRT' });
  t.match(lonely.stderr(), new RegExp(`cannot open shared memory region /envoy_shared_memory_${baseId * 10} check user permissions\\. Error: No such file or directory`));
});

t.test('stopping the child also terminates its parent; epoch N-1 terminates N-2', async (t) => {
  const dir = t.testdir();
  writeBootstrap(dir, bootstrap());
  const baseId = uniqueBaseId();
  const long = ['--parent-shutdown-time-s', '600'];
  const e0 = epoch(t, dir, baseId, 0, long);
  await waitFor('e0 LIVE', async () => ready(await e0.admin()));
  const e1 = epoch(t, dir, baseId, 1, long);
  await waitFor('e1 LIVE', async () => ready(await e1.admin()));
  t.notOk(e0.hasExited(), 'the parent lives on during the parent shutdown time');
  const e2 = epoch(t, dir, baseId, 2, long);
  t.same(await e0.exited, { code: 0, signal: null }, 'epoch 0 is terminated when epoch 2 starts');
  const admin2 = await e2.admin();
  await waitFor('e2 LIVE', () => ready(admin2));
  t.equal(await stat(admin2, 'server.hot_restart_generation'), 3);
  const quit = await request(`${admin2}/quitquitquit`, 'POST');
  t.equal(quit.status, 200);
  t.same(await e2.exited, { code: 0, signal: null });
  t.same(await e1.exited, { code: 0, signal: null }, 'the parent of a stopped child goes too');
});

t.test('a filesystem --socket-path gets socket files with --socket-mode, removed on exit', async (t) => {
  const dir = t.testdir();
  writeBootstrap(dir, bootstrap());
  const baseId = uniqueBaseId();
  // sun_path holds 108 bytes, so the sockets live in a short temp dir, not the test dir.
  const sockDir = mkdtempSync(join(tmpdir(), 'stub-hr-'));
  t.teardown(() => rmSync(sockDir, { recursive: true, force: true }));
  const sock = ['--socket-path', join(sockDir, 'hr'), '--socket-mode', '640', '--parent-shutdown-time-s', '600'];
  const e0 = epoch(t, dir, baseId, 0, sock);
  await waitFor('e0 LIVE', async () => ready(await e0.admin()));
  const file = join(sockDir, `hr_parent_${baseId * 10}`);
  t.ok(statSync(file).isSocket());
  t.equal(statSync(file).mode & 0o777, 0o640);
  const e1 = epoch(t, dir, baseId, 1, sock);
  await waitFor('e1 LIVE', async () => ready(await e1.admin()));
  process.kill(e1.pid, 'SIGTERM');
  await Promise.all([e0.exited, e1.exited]);
  t.same(readdirSync(sockDir), [], 'no socket files left');
});

t.test('--disable-hot-restart: no sockets, no shared state, version "disabled"', async (t) => {
  const dir = t.testdir();
  writeBootstrap(dir, bootstrap());
  const baseId = uniqueBaseId();
  const a = epoch(t, dir, baseId, 0, ['--disable-hot-restart']);
  const b = epoch(t, dir, baseId, 0, ['--disable-hot-restart']);
  const [adminA, adminB] = await Promise.all([a.admin(), b.admin()]);
  t.equal((await request(`${adminA}/hot_restart_version`)).body, 'disabled');
  t.equal(JSON.parse((await request(`${adminB}/server_info`)).body).hot_restart_version, 'disabled');
  t.equal(await stat(adminA, 'server.hot_restart_generation'), 0);
  t.notOk(existsSync(join(dir, `envoy_stub_shared_memory_${baseId * 10}`)));
});

t.test('--use-dynamic-base-id writes the chosen id to --base-id-path; --mode init_only exits 0', async (t) => {
  const dir = t.testdir();
  writeBootstrap(dir, bootstrap());
  const path = join(dir, 'base-id');
  const dyn = startStub(t, dir, { args: ['-c', join(dir, 'envoy.json'), '--use-dynamic-base-id', '--base-id-path', path] });
  const admin = await dyn.admin();
  const { readFileSync } = await import('node:fs');
  await waitFor('base id file', () => existsSync(path));
  t.equal(JSON.parse((await request(`${admin}/server_info`)).body).command_line_options.base_id, readFileSync(path, 'utf8'));
  const init = startStub(t, dir, { args: ['-c', join(dir, 'envoy.json'), '--mode', 'init_only', '--base-id', String(uniqueBaseId())], adminFile: 'init.addr' });
  t.same(await init.exited, { code: 0, signal: null });
});
