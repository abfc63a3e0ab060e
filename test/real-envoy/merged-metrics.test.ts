// The status port's /stats/prometheus with real Envoy under the agent: one scrape holds the agent's, real
// Envoy's and the application's metrics, in text that a Prometheus text-format parser reads, with every
// metric family declared once and its samples together (Prometheus rejects a scrape otherwise).
import { http } from '../helpers/node-http.js';
import type { Test } from 'tap';
import t from 'tap';
import { seedSnapshot, startXdsServer } from '../../tools/xds-server/src/index.js';
import { startApp } from '../helpers/direct-envoy.js';
import { metricFamilies, repeatedFamilies } from '../helpers/metric-families.js';
import { freePort, waitFor } from '../helpers/net.js';
import { badPrometheusLines } from '../helpers/prometheus.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { startAgent } from '../helpers/running-agent.js';

/** An application exposing its own metrics, as a pod annotated prometheus.io/scrape would. */
async function startMetricsApp(t: Test): Promise<number> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(
      [
        '# HELP app_requests_total Requests the application served.',
        '# TYPE app_requests_total counter',
        'app_requests_total{code="200"} 7',
        'app_requests_total{code="500"} 1',
        '# HELP app_queue_depth Jobs waiting.',
        '# TYPE app_queue_depth gauge',
        'app_queue_depth 3',
        '',
      ].join('\n'),
    );
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections(); // the agent keeps its scrape connection alive
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as { port: number }).port;
}

t.test('one scrape merges real Envoy, the agent and the application into text a Prometheus parser reads, each family once', async (t) => {
  const appPort = await startApp(t);
  const metricsPort = await startMetricsApp(t);
  const xds = await startXdsServer({ snapshot: seedSnapshot({ inboundPort: await freePort(), outboundPort: await freePort(), appPort, version: '1' }) });
  t.teardown(() => xds.close());
  const agent = await startAgent(t, {
    args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`],
    env: { ISTIO_PROMETHEUS_ANNOTATIONS: JSON.stringify({ scrape: 'true', port: String(metricsPort), path: '/metrics' }) },
  });
  await waitFor('readiness 200 (real Envoy has listeners and clusters)', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 60_000);

  const scrape = await agent.get('/stats/prometheus');
  t.equal(scrape.status, 200);
  t.same(badPrometheusLines(scrape.body), [], 'every line is a comment or a sample');
  const families = metricFamilies(scrape.body);
  const names = new Set(families.map((f) => f.name));
  t.ok(names.has('istio_agent_envoy_starts_total'), 'the agent\'s own metrics');
  t.ok(names.has('envoy_server_live'), 'real Envoy\'s metrics');
  t.ok(names.has('app_requests_total') && names.has('app_queue_depth'), 'the application\'s metrics');
  t.equal(families.find((f) => f.name === 'envoy_server_live')?.metrics[0]?.value, '1', 'envoy is LIVE in its own figures');
  t.same(repeatedFamilies(scrape.body), [], 'no family is declared twice or split');
  t.equal(families.length > 100, true, `real Envoy's families are all there (${families.length} in all)`);
});

t.test('the family check itself catches a family declared twice and one whose samples are split', async (t) => {
  const family = (name: string, value: number): string => `# TYPE ${name} counter\n${name} ${value}\n`;
  t.same(repeatedFamilies(family('a_total', 1) + family('b_total', 2) + family('a_total', 3)), ['a_total'], 'a second # TYPE');
  t.same(repeatedFamilies(`${family('a_total', 1)}${family('b_total', 2)}a_total 3\n`), ['a_total'], 'samples apart');
  t.same(repeatedFamilies(family('a_total', 1) + family('b_total', 2)), [], 'distinct families pass');
});
