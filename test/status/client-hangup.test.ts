// A scraper that hangs up at any stage of a /stats/prometheus response (a Prometheus scrape timeout,
// `curl | head`) costs one abandoned scrape, never the agent: PID 1 must not die of an 'error' event
// nobody listens to. One agent takes every abuse in turn and must serve fully after each.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import t, { type Test } from 'tap';
import { startMisbehavingApp } from '../helpers/misbehaving-app.js';
import { badPrometheusLines, sampleValue } from '../helpers/prometheus.js';
import { getThenHangUp, type HangUpPoint } from '../helpers/raw-http.js';
import { startAgent } from '../helpers/running-agent.js';
import { eventually } from '../helpers/wait-harness.js';

t.test('a scraper hanging up at each stage of the response', async (t) => {
  const app = await startMisbehavingApp(t);
  const dir = mkdtempSync(`${tmpdir()}/pilot-agent-hangup-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const faultFile = `${dir}/prometheus-fault`;
  const envoyMisbehaves = (fault: string): void => writeFileSync(faultFile, fault);
  const agent = await startAgent(t, {
    env: { ISTIO_PROMETHEUS_ANNOTATIONS: JSON.stringify({ port: String(app.port), path: '/metrics' }), ENVOY_STUB_PROMETHEUS_FAULT_FILE: faultFile },
  });
  await agent.waitForMsg('envoy is LIVE');
  const healthy = (await agent.get('/stats/prometheus')).body;
  // The last line of envoy's part: once the scraper has it, the agent is waiting on the application.
  const envoyPart = healthy.slice(0, healthy.indexOf('# TYPE app_fixture_up'));
  const lastEnvoyLine = envoyPart.trimEnd().split('\n').pop()!;
  const endOfEnvoy = `\n${lastEnvoyLine.slice(0, lastEnvoyLine.lastIndexOf(' ') + 1)}`;

  let abandoned = 0;
  const abuse = async (t: Test, envoy: string, appMode: Parameters<typeof app.setMode>[0], point: HangUpPoint, how: 'close' | 'reset'): Promise<void> => {
    envoyMisbehaves(envoy);
    await app.setMode(appMode);
    await getThenHangUp(agent.ports.status, '/stats/prometheus', point, how);
    const seen = await agent.waitForMsg('metrics scrape abandoned by the client', ++abandoned);
    t.comment(`abandoned while ${String(seen.at)}`);
    // Whatever the agent was still reading is let go, not held until the scrape timeout.
    await eventually('the application connection released', async () => (await app.busyConnections()) === 0);
    envoyMisbehaves('');
    await app.setMode('ok');
    t.equal(agent.proc.exitCode, null, 'the agent is still running');
    t.equal((await agent.get('/healthz/ready')).status, 200, 'ready');
    const full = await agent.get('/stats/prometheus');
    t.equal(full.status, 200);
    t.same(badPrometheusLines(full.body), [], 'a full scrape parses');
    t.match(full.body, /^envoy_server_state[ {]/m, "with envoy's metrics");
    t.match(full.body, /^app_fixture_up 1$/m, "and the application's");
    t.equal(sampleValue(full.body, 'istio_agent_scrapes_abandoned_total'), abandoned, 'the abandoned scrape is counted');
  };

  t.test('before the headers arrive (FIN)', (t) => abuse(t, 'slow-headers', 'ok', { when: 'after-sending' }, 'close'));
  t.test('before the headers arrive (RST)', (t) => abuse(t, 'slow-headers', 'ok', { when: 'after-sending' }, 'reset'));
  t.test('after the headers', (t) => abuse(t, 'slow-headers', 'ok', { when: 'after-headers' }, 'close'));
  t.test('mid-body from a slow envoy', (t) => abuse(t, 'slow-body', 'ok', { when: 'after-text', text: 'envoy_stub_padding_total' }, 'close'));
  t.test('mid-body from envoy, under back-pressure', (t) => abuse(t, 'big', 'slow-headers', { when: 'after-text', text: 'envoy_stub_padding_total' }, 'reset'));
  t.test('mid-body from a slow application', (t) => abuse(t, '', 'slow-body', { when: 'after-text', text: 'app_fixture_metric_total' }, 'close'));
  t.test('mid-body from the application, under back-pressure', (t) => abuse(t, '', 'big', { when: 'after-text', text: 'app_fixture_metric_total' }, 'reset'));
  t.test('while the application is slow to answer', (t) => abuse(t, '', 'slow-headers', { when: 'after-text', text: endOfEnvoy }, 'close'));

  t.test('SIGTERM still drains and exits 0', async (t) => {
    agent.signal('SIGTERM');
    t.equal((await agent.exited).code, 0);
  });
});
