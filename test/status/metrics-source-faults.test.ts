// A metrics source (envoy's admin, the application) that misbehaves at any stage of its answer —
// resets before the headers or mid-body, closes mid-body, answers garbage, is too slow — costs that
// source's part of one scrape: the answer is still 200 and parses, the failure is counted, and the
// same agent serves the next scrape in full.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { http } from '../helpers/node-http.js';
import { tmpdir } from 'node:os';
import t, { type Test } from 'tap';
import { startMisbehavingApp, type AppMode } from '../helpers/misbehaving-app.js';
import { badPrometheusLines, sampleValue } from '../helpers/prometheus.js';
import { startAgent } from '../helpers/running-agent.js';

const { request } = http;

const faults: readonly AppMode[] = ['reset-before-headers', 'reset-mid-body', 'close-mid-body', 'garbage', 'slow-headers', 'slow-body'];
const failures = (body: string, source: string): number => sampleValue(body, `istio_agent_scrape_failures_total{source="${source}"}`) ?? 0;

t.test('each source misbehaving at each stage', async (t) => {
  const app = await startMisbehavingApp(t);
  const dir = mkdtempSync(`${tmpdir()}/pilot-agent-source-faults-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const faultFile = `${dir}/prometheus-fault`;
  const agent = await startAgent(t, {
    env: { ISTIO_PROMETHEUS_ANNOTATIONS: JSON.stringify({ port: String(app.port), path: '/metrics' }), ENVOY_STUB_PROMETHEUS_FAULT_FILE: faultFile },
  });
  await agent.waitForMsg('envoy is LIVE');
  // A short scrape timeout (as Prometheus sends it) bounds the slow sources without a 10 s wait.
  const scrape = (): Promise<{ status: number; body: string }> => scrapeWithTimeout(agent.ports.status, '0.5');
  // The first scrape loads the scrape path (undici, prom-client): on a busy machine that alone can pass the
  // 0.5 s above and count a failure of its own. Pay it once, with the default timeout, before counting.
  t.equal((await scrapeWithTimeout(agent.ports.status, '10')).status, 200, 'a first scrape loads the scrape path');

  const misbehaving = async (t: Test, source: 'envoy' | 'application', fault: AppMode): Promise<void> => {
    const before = failures((await scrape()).body, source);
    if (source === 'envoy') writeFileSync(faultFile, fault);
    else await app.setMode(fault);
    const r = await scrape();
    writeFileSync(faultFile, '');
    await app.setMode('ok');
    t.equal(r.status, 200, 'the scrape still answers 200');
    t.same(badPrometheusLines(r.body), [], 'and parses: no half line of the cut-off source');
    t.ok(sampleValue(r.body, 'istio_agent_envoy_live') === 1, "with the agent's own metrics");
    // Both sources' timeouts start together, so an envoy that eats the whole timeout takes the
    // application's part with it (the scraper is giving up at that moment anyway).
    if (source === 'application') t.match(r.body, /^envoy_server_state[ {]/m, "and envoy's");
    else if (!fault.startsWith('slow')) t.match(r.body, /^app_fixture_up 1$/m, "and the application's");
    const after = await scrape();
    t.equal(failures(after.body, source), before + 1, 'the failure is counted once, for that source');
    t.equal(agent.proc.exitCode, null, 'the agent is still running');
    t.equal((await agent.get('/healthz/ready')).status, 200, 'ready');
    t.match(after.body, /^envoy_server_state[ {]/m, 'the next scrape has envoy');
    t.match(after.body, /^app_fixture_up 1$/m, 'and the application');
  };

  for (const source of ['envoy', 'application'] as const) {
    for (const fault of faults) t.test(`${source}: ${fault}`, (t) => misbehaving(t, source, fault));
  }
  t.test('SIGTERM still drains and exits 0', async (t) => {
    agent.signal('SIGTERM');
    t.equal((await agent.exited).code, 0);
  });
});

/** GET /stats/prometheus with Prometheus' scrape-timeout header. */
function scrapeWithTimeout(port: number, seconds: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'x-prometheus-scrape-timeout-seconds': seconds };
    const req = request({ host: '127.0.0.1', port, path: '/stats/prometheus', agent: false, timeout: 10_000, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
