// The admin API: Envoy's paths, bodies, status codes, headers and method rules.

import t, { type Test } from 'tap';
import { bootstrap, startStub, stat, uniqueBaseId, writeBootstrap } from '../../fixtures/stub/harness.js';
import { request, waitFor } from '../../helpers/net.js';

async function liveStub(t: Test, args: string[] = []) {
  const dir = t.testdir();
  const path = writeBootstrap(dir, bootstrap({ extra: { dynamic_resources: { lds_config: { ads: {} }, cds_config: { ads: {} }, ads_config: { api_type: 'GRPC', grpc_services: [] } } } }));
  const stub = startStub(t, dir, { args: ['-c', path, '--base-id', String(uniqueBaseId()), ...args] });
  const admin = await stub.admin();
  return { stub, admin, dir };
}

t.test('GET /ready is LIVE with 200, and the default headers are Envoy\'s', async (t) => {
  const { admin } = await liveStub(t);
  const r = await request(`${admin}/ready`);
  t.equal(r.status, 200);
  t.equal(r.body, 'LIVE\n');
  t.equal(r.headers['content-type'], 'text/plain; charset=UTF-8');
  t.equal(r.headers['cache-control'], 'no-cache, max-age=0');
  t.equal(r.headers['x-content-type-options'], 'nosniff');
  t.equal(r.headers.server, 'envoy');
});

t.test('GET /server_info reports state, epoch, options and node', async (t) => {
  const { admin } = await liveStub(t, ['--drain-time-s', '7', '--service-zone', 'z1', '-l', 'warn']);
  const r = await request(`${admin}/server_info`);
  t.equal(r.headers['content-type'], 'application/json');
  t.match(r.body, /^\{\n "version": "/, 'one-space indent');
  const info = JSON.parse(r.body);
  t.match(info, {
    state: 'LIVE',
    hot_restart_version: '11.104',
    uptime_current_epoch: /^\d+s$/,
    uptime_all_epochs: /^\d+s$/,
    command_line_options: { restart_epoch: 0, drain_time: '7s', parent_shutdown_time: '900s', mode: 'Serve', log_level: 'warning', drain_strategy: 'Gradual', base_id: /^\d+$/ },
    node: { id: 'stub-test', cluster: 'stub-test', user_agent_name: 'envoy', locality: { zone: 'z1' } },
  });
  t.same(Object.keys(info), ['version', 'state', 'uptime_current_epoch', 'uptime_all_epochs', 'hot_restart_version', 'command_line_options', 'node', 'hot_restart_initializing']);
});

t.test('GET /stats lists the server stats in text, JSON and Prometheus', async (t) => {
  const { admin } = await liveStub(t, ['--concurrency', '3']);
  const text = (await request(`${admin}/stats`)).body;
  for (const [name, value] of [
    ['server.live', '1'], ['server.hot_restart_epoch', '0'], ['server.hot_restart_generation', '1'],
    ['listener_manager.workers_started', '1'], ['cluster_manager.cds.update_success', '1'],
    ['listener_manager.lds.update_success', '1'], ['server.concurrency', '3'], ['server.parent_connections', '0'],
  ]) t.match(text, new RegExp(`^${name.replace(/\./g, '\\.')}: ${value}$`, 'm'), name);
  t.match(text, /^server\.uptime: \d+$/m);
  t.match(text, /^server\.total_connections: \d+$/m);
  t.match(text, /^listener\.127\.0\.0\.1_\d+\.downstream_cx_active: 0$/m);
  const names = text.trim().split('\n').map((l) => l.split(':')[0]!);
  t.same(names, [...names].sort(), 'sorted by name');

  const filtered = (await request(`${admin}/stats?filter=^server\\.hot_restart`)).body;
  t.equal(filtered, 'server.hot_restart_epoch: 0\nserver.hot_restart_generation: 1\n');
  const bad = await request(`${admin}/stats?filter=(`);
  t.same([bad.status, bad.body], [400, 'Invalid re2 regex']);
  const badFormat = await request(`${admin}/stats?format=xml`);
  t.same([badFormat.status, badFormat.body], [400, 'usage: /stats?format=(html|active-html|json|prometheus|text)\n\n']);
  t.equal((await request(`${admin}/stats?type=Nope`)).status, 400);

  const used = (await request(`${admin}/stats?usedonly`)).body;
  t.notMatch(used, /server\.debug_assertion_failures/, 'never-written stats are left out');
  t.match(used, /server\.live: 1/);

  const json = await request(`${admin}/stats?format=json&filter=server.state`);
  t.equal(json.headers['content-type'], 'application/json');
  t.same(JSON.parse(json.body), { stats: [{ name: 'server.state', value: 0 }] });

  const prom = await request(`${admin}/stats/prometheus`);
  t.equal(prom.headers['content-type'], 'text/plain; charset=UTF-8');
  t.match(prom.body, /^# TYPE envoy_server_state gauge\nenvoy_server_state\{\} 0$/m);
  t.match(prom.body, /^# TYPE envoy_cluster_manager_cds_update_success counter\nenvoy_cluster_manager_cds_update_success\{\} 1$/m);
  t.match(prom.body, /^envoy_listener_downstream_cx_active\{envoy_listener_address="127\.0\.0\.1_\d+"\} 0$/m);
  t.match(prom.body, /^envoy_http_downstream_cx_active\{envoy_http_conn_manager_prefix="admin"\} \d+$/m);
  t.equal((await request(`${admin}/stats?format=prometheus`)).body.split('\n')[0], prom.body.split('\n')[0]);
});

t.test('GET /hot_restart_version, /help, /listeners, /clusters', async (t) => {
  const { admin } = await liveStub(t);
  t.equal((await request(`${admin}/hot_restart_version`)).body, '11.104');
  const help = (await request(`${admin}/help`)).body;
  t.match(help, /^admin commands are:\n {2}\/: Admin home page\n/);
  t.match(help, /^ {2}\/quitquitquit \(POST\): exit the server$/m);
  t.match(help, /^ {2}\/ready: print server state, return 200 if LIVE, otherwise return 503$/m);
  t.match((await request(`${admin}/listeners`)).body, /^ingress::127\.0\.0\.1:\d+\n$/);
  t.equal((await request(`${admin}/clusters`)).body, '');
  t.match((await request(`${admin}/`)).headers['content-type'], /text\/html/);
  for (const p of ['/certs', '/config_dump', '/memory', '/runtime', '/init_dump', '/contention', '/stats/recentlookups']) {
    t.equal((await request(`${admin}${p}`)).status, 200, p);
  }
});

t.test('state-changing endpoints need POST (405 otherwise); unknown paths give 404 with the listing', async (t) => {
  const { admin, stub } = await liveStub(t);
  for (const p of ['/healthcheck/fail', '/healthcheck/ok', '/drain_listeners', '/quitquitquit', '/logging', '/reopen_logs', '/reset_counters']) {
    const r = await request(`${admin}${p}`);
    t.same([r.status, r.body], [405, 'Method GET not allowed, POST required.'], p);
  }
  t.equal((await request(`${admin}/quitquitquit`, 'PUT')).body, 'Method PUT not allowed, POST required.');
  t.match(stub.stderr(), /\[error\]\[admin\] .* admin path "\/quitquitquit" mutates state, method=GET rather than POST/);
  const missing = await request(`${admin}/nope`);
  t.equal(missing.status, 404);
  t.match(missing.body, /^invalid path\. admin commands are:\n {2}\/: Admin home page\n/);
  t.equal((await request(`${admin}/ready?x=1`)).status, 200, 'the query string is not part of the path');
  t.equal((await request(`${admin}/ready/`)).status, 404, 'paths match exactly');
  t.equal((await request(`${admin}/ready`, 'POST')).status, 200, 'read-only endpoints take any method');
});

t.test('POST /logging lists and changes levels; bad input gives 400 with usage', async (t) => {
  const { admin } = await liveStub(t);
  const list = await request(`${admin}/logging`, 'POST');
  t.match(list.body, /^active loggers:\n {2}admin: info\n/);
  t.match((await request(`${admin}/logging?upstream=debug`, 'POST')).body, /^ {2}upstream: debug$/m);
  t.match((await request(`${admin}/logging?level=warning`, 'POST')).body, /^ {2}main: warning$/m);
  t.match((await request(`${admin}/logging?paths=main:error,admin:trace`, 'POST')).body, /^ {2}admin: trace$/m);
  const bad = await request(`${admin}/logging?level=loud`, 'POST');
  t.equal(bad.status, 400);
  t.match(bad.body, /^error: unknown logger level: loud\n\nusage: \/logging\?<name>=<level>/);
  t.equal((await request(`${admin}/logging?nosuch=info`, 'POST')).status, 400);
  t.equal((await request(`${admin}/logging?a=info&b=info`, 'POST')).status, 400);
});

t.test('POST /reset_counters zeroes counters; /drain_listeners?skip_exit needs graceful', async (t) => {
  const { admin } = await liveStub(t);
  await request(`${admin}/ready`);
  t.ok((await stat(admin, 'http.admin.downstream_rq_total'))! > 0);
  t.equal((await request(`${admin}/reset_counters`, 'POST')).body, 'OK\n');
  t.ok((await stat(admin, 'http.admin.downstream_rq_total'))! <= 1);
  const r = await request(`${admin}/drain_listeners?skip_exit`, 'POST');
  t.same([r.status, r.body], [400, 'skip_exit requires graceful\n']);
});

t.test('POST /quitquitquit answers OK, then the process exits 0', async (t) => {
  const { admin, stub } = await liveStub(t);
  const r = await request(`${admin}/quitquitquit`, 'POST');
  t.same([r.status, r.body], [200, 'OK\n']);
  t.same(await stub.exited, { code: 0, signal: null });
  t.match(stub.stderr(), /shutting down server instance[\s\S]*exiting\n$/);
});

t.test('without an admin address there is no admin server, only a warning', async (t) => {
  const dir = t.testdir();
  const path = writeBootstrap(dir, bootstrap({ noAdmin: true }));
  const stub = startStub(t, dir, { args: ['-c', path, '--disable-hot-restart'], adminFile: null });
  await waitFor('warning', () => /No admin address given, so no admin HTTP server started\./.test(stub.stderr()));
  stub.child.kill('SIGTERM');
  t.equal((await stub.exited).code, 0);
});
