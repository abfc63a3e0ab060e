// `pilot-agent request` against the stub envoy's admin API (started by the real agent): the body
// and nothing else on stdout; a failure is any status above 399 except 404 (Istio's rule).
import t from 'tap';
import { runAgent } from '../helpers/agent.js';
import { startAgent } from '../helpers/running-agent.js';
import { httpRequest } from '../helpers/net.js';
import { lines } from '../helpers/wait-harness.js';

t.test('request against the stub envoy admin and the agent status port', async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  const { admin, status, envoyStatus } = agent.ports;
  const env = { ENVOY_STATUS_PORT: String(envoyStatus) };
  const request = (...args: string[]) => runAgent(['request', '--proxyAdminPort', String(admin), '--statusPort', String(status), ...args], env);

  t.test('GET server_info prints the JSON body and nothing else', async (t) => {
    const res = await request('GET', 'server_info');
    t.equal(res.code, 0, res.stderr);
    t.equal(res.stderr, '');
    t.equal(JSON.parse(res.stdout).state, 'LIVE', 'stdout parses as JSON, as istioctl needs');
  });

  t.test('stdout is exactly the body plus a newline (Istio prints it with Println)', async (t) => {
    const direct = await httpRequest('GET', admin, '/hot_restart_version');
    for (const path of ['hot_restart_version', '/hot_restart_version']) {
      const res = await request('GET', path);
      t.equal(res.stdout, `${direct.body}\n`, `path ${path}`);
    }
  });

  t.test('a 404 is not a failure: exit 0, the body printed', async (t) => {
    const res = await request('GET', 'no/such/admin/path');
    t.equal(res.code, 0, res.stderr);
    t.not(res.stdout, '');
  });

  t.test('405 (GET on a POST-only endpoint) and 400 fail with exit 255 and one line', async (t) => {
    const res = await request('GET', 'healthcheck/fail');
    t.equal(res.code, 255);
    t.equal(res.stdout, '', 'no body on stdout');
    t.same(lines(res.stderr), ['error: received unsuccessful status code 405: Method GET not allowed, POST required.']);
    const bad = await request('GET', 'stats?filter=(');
    t.equal(bad.code, 255);
    t.match(bad.stderr, /^error: received unsuccessful status code 400/);
  });

  t.test("--debug-port reaches the agent's status port and envoy's health port", async (t) => {
    const ok = await request('--debug-port', String(status), 'GET', 'healthz/ready');
    t.equal(ok.code, 0, ok.stderr);
    const viaEnvoy = await request('--debug-port', String(envoyStatus), 'GET', '/healthz/ready');
    t.equal(viaEnvoy.code, 0, viaEnvoy.stderr);
  });

  t.test('POST healthcheck/fail takes effect (body "OK"), and readiness then fails', async (t) => {
    const res = await request('POST', 'healthcheck/fail');
    t.equal(res.code, 0, res.stderr);
    t.equal(res.stdout, 'OK\n\n');
    t.equal((await httpRequest('GET', admin, '/ready')).body, 'DRAINING\n');
    const post = await request('POST', 'healthcheck/ok');
    t.equal(post.code, 0, post.stderr);
    t.equal((await httpRequest('GET', admin, '/ready')).status, 200);
  });

  t.test('a body argument is sent', async (t) => {
    const res = await request('POST', 'logging?level=info', 'ignored-body');
    t.equal(res.code, 0, res.stderr);
  });
});

t.test('a port outside the proxy\'s own is refused before any request: exit 2, one line', async (t) => {
  const res = await runAgent(['request', '--debug-port', '8080', 'GET', 'server_info']);
  t.equal(res.code, 2);
  t.same(lines(res.stderr), [
    'error: invalid value "8080" for --debug-port: expected one of the proxy\'s own ports: 15000 (admin), 15004 (debug), 15020 (status), 15021 (health)',
  ]);
});

t.test('nothing listening on the admin port: exit 255, connection refused', async (t) => {
  const res = await runAgent(['request', '--proxyAdminPort', '1', 'GET', 'server_info']);
  t.equal(res.code, 255);
  t.equal(res.stdout, '');
  t.match(lines(res.stderr), [/^error: GET http:\/\/localhost:1\/server_info: connection refused/]);
});
