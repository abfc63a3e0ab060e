// /app-health probes against an application that misbehaves (resets, cuts its answer, speaks
// garbage, is slow or dribbles forever), and probe clients that hang up while the app is slow: each
// probe gets an answer or is dropped, the app's connection is let go within the probe's timeout, and
// the same agent goes on serving.
import t, { type Test } from 'tap';
import { startMisbehavingApp, type AppMode } from '../helpers/misbehaving-app.js';
import { badPrometheusLines } from '../helpers/prometheus.js';
import { getThenHangUp } from '../helpers/raw-http.js';
import { startAgent } from '../helpers/running-agent.js';
import { eventually } from '../helpers/wait-harness.js';

t.test('app probes against a misbehaving application', async (t) => {
  const app = await startMisbehavingApp(t);
  const probers = { '/app-health/app/livez': { httpGet: { path: '/healthz', port: app.port }, timeoutSeconds: 1 } };
  const agent = await startAgent(t, { env: { ISTIO_KUBE_APP_PROBERS: JSON.stringify(probers) } });
  await agent.waitForMsg('envoy is LIVE');
  const probe = async (): Promise<number> => (await agent.get('/app-health/app/livez')).status;
  t.equal(await probe(), 200, 'a healthy app passes');

  const stillServing = async (t: Test): Promise<void> => {
    // The probe's connection to the app is closed: nothing is held past the probe's timeout.
    await eventually('the app connection released', async () => (await app.busyConnections()) === 0);
    await app.setMode('ok');
    t.equal(agent.proc.exitCode, null, 'the agent is still running');
    t.equal(await probe(), 200, 'the next probe of a healthy app passes');
    t.equal((await agent.get('/healthz/ready')).status, 200, 'ready');
    const scrape = await agent.get('/stats/prometheus');
    t.equal(scrape.status, 200, 'metrics served');
    t.same(badPrometheusLines(scrape.body), []);
  };

  const answers: [AppMode, number, string][] = [
    ['reset-before-headers', 500, 'a reset before the headers fails the probe'],
    ['garbage', 500, 'an answer that is not HTTP fails the probe'],
    ['slow-headers', 500, 'no headers within timeoutSeconds fails the probe'],
    // As Istio: the status line decides; the body is not the probe's business.
    ['reset-mid-body', 200, "a reset after the headers: the app's status"],
    ['close-mid-body', 200, "a truncated body: the app's status"],
    ['slow-body', 200, "a body that never ends: the app's status, and the connection is cut at the timeout"],
  ];
  for (const [mode, status, what] of answers) {
    t.test(`app ${mode}`, async (t) => {
      await app.setMode(mode);
      t.equal(await probe(), status, what);
      await stillServing(t);
    });
  }

  for (const how of ['close', 'reset'] as const) {
    t.test(`the prober hangs up (${how}) while the app is slow`, async (t) => {
      await app.setMode('slow-headers');
      await getThenHangUp(agent.ports.status, '/app-health/app/livez', { when: 'after-sending' }, how);
      await agent.waitForMsg('app probe abandoned by the client', how === 'close' ? 1 : 2);
      await stillServing(t);
    });
  }

  t.test('SIGTERM still drains and exits 0', async (t) => {
    agent.signal('SIGTERM');
    t.equal((await agent.exited).code, 0);
  });
});
