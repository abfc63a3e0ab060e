// The status port through bin/pilot-agent against the stub: merged metrics (agent, envoy, the
// application) and rewritten app probes.
import { http } from '../helpers/node-http.js';
import { createServer as createNetServer, connect, type AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { badPrometheusLines, sampleValue } from '../helpers/prometheus.js';
import { startAgent } from '../helpers/running-agent.js';

const { createServer: createHttpServer } = http;

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
    // Labelled counters exist at 0 before their first event, so rate() and increase() see that first event.
    for (const series of [
      'istio_agent_envoy_restarts_total{reason="crash"} 0',
      'istio_agent_envoy_restarts_total{reason="hot_restart"} 0',
      'istio_agent_envoy_exits_total{outcome="error"} 0',
      'istio_agent_cert_reloads_total{result="applied"} 0',
      'istio_agent_cert_reloads_total{result="invalid"} 0',
      'istio_agent_scrape_failures_total{source="envoy"} 0',
    ]) t.ok(r.body.includes(`\n${series}\n`), `${series} before any event`);
    t.match(r.body, /\nistio_agent_build_info\{version="\d+\.\d+\.\d+",node_version="v\d+\.\d+\.\d+"\} 1\n/, 'build info');
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
