import { createServer as createHttpServer, request } from 'node:http';
import { createServer as createNetServer, connect, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import t, { type Test } from 'tap';
import { badPrometheusLines, sampleValue } from '../helpers/prometheus.js';
import { startAgent } from '../helpers/running-agent.js';
import { freshMs } from '../../src/status/readiness.js';

const statsQueries = (events: Record<string, unknown>[]): number =>
  events.filter((e) => e.event === 'admin' && String(e.path).startsWith('/stats?usedonly')).length;

/** A local application: 200 on /ok, 503 on /bad, metrics on /metrics. */
async function appServer(t: Test): Promise<number> {
  const srv = createHttpServer((req, res) => {
    if (req.url === '/ok') res.writeHead(200).end('fine');
    else if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain' }).end('# TYPE app_requests_total counter\napp_requests_total 5\n');
    else res.writeHead(503).end('sick');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => srv.close(() => r())));
  return (srv.address() as AddressInfo).port;
}

t.test('serves merged metrics that parse as Prometheus text: agent, envoy, then the application', async (t) => {
  const app = await appServer(t);
  const agent = await startAgent(t, { env: { ISTIO_PROMETHEUS_ANNOTATIONS: JSON.stringify({ scrape: 'true', port: String(app), path: '/metrics' }) } });
  await agent.waitForMsg('envoy is LIVE');
  for (const path of ['/stats/prometheus', '/metrics']) {
    const r = await agent.get(path);
    t.equal(r.status, 200, path);
    t.same(badPrometheusLines(r.body), [], `${path} parses`);
    const agentAt = r.body.indexOf('istio_agent_envoy_starts_total');
    const envoyAt = r.body.indexOf('envoy_server_state');
    const appAt = r.body.indexOf('app_requests_total 5');
    t.ok(agentAt >= 0 && envoyAt > agentAt && appAt > envoyAt, 'agent, envoy, application, in that order');
    t.equal(sampleValue(r.body, 'istio_agent_envoy_starts_total'), 1);
    t.equal(sampleValue(r.body, 'istio_agent_envoy_live'), 1);
    t.equal(sampleValue(r.body, 'istio_agent_envoy_epoch'), 0);
    t.ok(r.body.includes('istio_agent_process_cpu_user_seconds_total'), 'process metrics');
    t.ok(sampleValue(r.body, 'istio_agent_zombies_reaped_total')! >= 0, 'the reaper count is exported');
  }
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('scrapes reuse one kept-alive connection to the application', async (t) => {
  let connections = 0;
  const srv = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('app_up 1\n'));
  srv.on('connection', () => connections++);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => srv.close(() => r())));
  const port = (srv.address() as AddressInfo).port;
  const agent = await startAgent(t, { env: { ISTIO_PROMETHEUS_ANNOTATIONS: JSON.stringify({ port: String(port), path: '/metrics' }) } });
  await agent.waitForMsg('envoy is LIVE');
  for (let i = 0; i < 5; i++) t.match((await agent.get('/stats/prometheus')).body, /^app_up 1$/m, `scrape ${i + 1} has the application's metrics`);
  t.equal(connections, 1, 'five scrapes, one connection');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('a failing metrics source is counted and the scrape still answers 200', async (t) => {
  const closed = createNetServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const agent = await startAgent(t, { env: { ISTIO_PROMETHEUS_ANNOTATIONS: JSON.stringify({ port: String(port) }) } });
  await agent.waitForMsg('envoy is LIVE');
  t.equal((await agent.get('/stats/prometheus')).status, 200);
  const second = await agent.get('/stats/prometheus');
  t.same(badPrometheusLines(second.body), []);
  t.ok((sampleValue(second.body, 'istio_agent_scrape_failures_total{source="application"}') ?? 0) >= 1, 'failure counted');
  agent.signal('SIGTERM');
  await agent.exited;
});

t.test('rewritten app probes reach exactly their configured targets', async (t) => {
  const app = await appServer(t);
  const free = createNetServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const closedPort = (free.address() as AddressInfo).port;
  await new Promise<void>((r) => free.close(() => r()));
  const probers = {
    '/app-health/app/readyz': { httpGet: { path: '/ok', port: app } },
    '/app-health/app/livez': { httpGet: { path: '/bad', port: app }, timeoutSeconds: 2 },
    '/app-health/app/startupz': { tcpSocket: { port: app } },
    '/app-health/db/livez': { tcpSocket: { port: closedPort } },
  };
  const agent = await startAgent(t, { env: { ISTIO_KUBE_APP_PROBERS: JSON.stringify(probers) } });
  await agent.waitForMsg('envoy is LIVE');
  t.equal((await agent.get('/app-health/app/readyz')).status, 200);
  t.equal((await agent.get('/app-health/app/livez')).status, 503, "the app's own status");
  t.equal((await agent.get('/app-health/app/startupz')).status, 200, 'tcp connect');
  t.equal((await agent.get('/app-health/db/livez')).status, 500, 'tcp refused');
  t.same(await agent.get('/app-health/other/readyz'), { status: 400, body: 'app prober config does not exist for /app-health/other/readyz\n' });
  t.equal((await agent.get('/app-health/app/readyz?target=http://example.com/')).status, 200, 'a query cannot redirect the probe');
  // App probes keep working while the agent drains (Istio closed its status server at SIGTERM).
  agent.signal('SIGTERM');
  await agent.waitForMsg('shutdown: draining envoy');
  t.equal((await agent.get('/app-health/app/readyz')).status, 200, 'still served during the drain');
  t.same(await agent.get('/healthz/ready'), { status: 503, body: 'draining\n' });
  await agent.exited;
});

t.test('readiness reports why envoy is not ready', async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  t.same(await agent.get('/healthz/ready', 'envoy'), { status: 200, body: '' }, 'ready through 15021');
  t.equal((await agent.post('/healthcheck/fail', 'admin')).status, 200);
  // server.state follows on envoy's next stats flush (5 s by default), as in Envoy.
  let r = await agent.get('/healthz/ready');
  for (let i = 0; i < 160 && r.status === 200; i++) {
    await new Promise((res) => setTimeout(res, 50));
    r = await agent.get('/healthz/ready');
  }
  t.same(r, { status: 503, body: 'server is not live, current state is: DRAINING\n' });
  agent.signal('SIGTERM');
  await agent.exited;
});

t.test('reports an admin API that does not answer', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_HANG_ADMIN: '1' } });
  await agent.waitForMsg('envoy started');
  const r = await agent.get('/healthz/ready');
  t.equal(r.status, 503);
  t.match(r.body, /^envoy admin unreachable: /);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('concurrent probes share one admin query', async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  await agent.get('/healthz/ready'); // the config check passes once and is remembered
  // A verdict stays fresh for freshMs after envoy answered: a burst in that time costs envoy nothing. So
  // burst until one finds it stale and has to ask (no timing decides: the queries counted do).
  for (let bursts = 1; ; bursts++) {
    const before = statsQueries(agent.events());
    const answers = await Promise.all(Array.from({ length: 50 }, () => agent.get('/healthz/ready')));
    t.ok(answers.every((a) => a.status === 200), `burst ${bursts}: every probe ready`);
    const used = statsQueries(agent.events()) - before;
    t.ok(used <= 10, `burst ${bursts}: 50 probes cost envoy ${used} admin queries (fresh for ${freshMs} ms, shared while asked)`);
    if (used >= 1) break;
  }
  agent.signal('SIGTERM');
  await agent.exited;
});

t.test('POST /drain drains and keeps running; the next SIGTERM stops at once', async (t) => {
  const agent = await startAgent(t, { drain: '30s', parentShutdown: '40s' });
  await agent.waitForMsg('envoy is LIVE');
  t.equal((await agent.get('/drain')).status, 405);
  t.same(await agent.post('/drain'), { status: 200, body: 'OK\n' });
  await agent.waitForMsg('draining envoy and holding; the next shutdown request stops it');
  t.same(await agent.get('/healthz/ready'), { status: 503, body: 'draining\n' });
  agent.signal('SIGTERM');
  await agent.waitForMsg('second shutdown request: skipping the rest of the drain');
  t.equal((await agent.exited).code, 0);
  t.ok(agent.events().some((e) => e.event === 'admin' && e.path === '/drain_listeners?inboundonly&graceful&skip_exit'), 'envoy drained without exiting');
});

t.test('only loopback clients may stop or drain the agent', async (t) => {
  const external = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4');
  t.ok(external, 'this host has a non-loopback IPv4 address to test from');
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  for (const path of ['/quitquitquit', '/drain']) {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: external!.address, localAddress: external!.address, port: agent.ports.status, path, method: 'POST', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    t.same(r, { status: 403, body: 'Only requests from localhost are allowed\n' }, path);
  }
  t.equal((await agent.get('/healthz/ready')).status, 200, 'still running');
  t.equal((await agent.get('/nope')).status, 404);
  agent.signal('SIGTERM');
  await agent.exited;
});

t.test('oversized request headers are refused without a stack trace', async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy started');
  const r = await new Promise<string>((resolve) => {
    const socket = connect(agent.ports.status, '127.0.0.1', () => {
      socket.write(`GET /healthz/ready HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('utf8').on('data', (c: string) => (data += c)).on('close', () => resolve(data)).on('error', () => resolve(data));
  });
  t.match(r, /^HTTP\/1\.1 431 /);
  t.notMatch(r, /\n\s+at /);
  agent.signal('SIGTERM');
  await agent.exited;
});

t.test('a status port already in use exits 2 with one line before envoy starts', async (t) => {
  const blocker = createNetServer();
  await new Promise<void>((r) => blocker.listen(0, r));
  t.teardown(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as AddressInfo).port;
  const agent = await startAgent(t, { args: ['--statusPort', String(port)] });
  t.equal((await agent.exited).code, 2);
  t.equal(agent.stderr, `error: invalid value "${port}" for --statusPort: a free port; it is already in use\n`);
  t.same(agent.events(), [], 'envoy was never started');
});
