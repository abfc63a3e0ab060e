// `pilot-agent wait` against the real agent supervising the stub envoy: the postStart-hook form.
import t from 'tap';
import { runAgent } from '../helpers/agent.js';
import { freePort } from '../helpers/net.js';
import { startAgent } from '../helpers/running-agent.js';
import { lines } from '../helpers/wait-harness.js';

const timeoutLine = /^error: timeout waiting for Envoy proxy to become ready\. Last error: /;

t.test('exits 0 once envoy is LIVE, having seen it not ready first', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '3000' } });
  const url = `http://127.0.0.1:${agent.ports.status}/healthz/ready`;
  const res = await runAgent(['wait', '--url', url, '--periodMillis', '100'], { PILOT_AGENT_LOG_LEVEL: 'debug' });
  t.equal(res.code, 0, res.stderr);
  t.equal(res.stderr, '');
  const logs = lines(res.stdout).map((l) => JSON.parse(l) as { msg: string; reason?: string });
  const notReady = logs.filter((l) => l.msg === 'Not ready yet');
  t.ok(notReady.length > 0, 'polled while envoy was starting');
  t.match(notReady.at(-1)!.reason, /^503: /, 'the agent said why (503 with its reason line)');
  t.equal(logs.at(-1)!.msg, 'Envoy is ready!');
  t.equal((await agent.get('/healthz/ready')).status, 200, 'and the agent agrees');
});

t.test("through envoy's health listener, the way the injected hook does it", async (t) => {
  const agent = await startAgent(t);
  const res = await runAgent(['wait', '--url', `http://localhost:${agent.ports.envoyStatus}/healthz/ready`]);
  t.equal(res.code, 0, res.stderr);
  t.equal((await agent.get('/healthz/ready', 'envoy')).status, 200);
});

t.test('never ready: exit 255 after --timeoutSeconds with the agent\'s last reason', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '600000' } });
  const url = `http://127.0.0.1:${agent.ports.status}/healthz/ready`;
  const res = await runAgent(['wait', '--url', url, '--timeoutSeconds', '2', '--periodMillis', '100']);
  t.equal(res.code, 255);
  t.equal(lines(res.stderr).length, 1, 'one line');
  t.match(res.stderr, timeoutLine);
  t.match(res.stderr, /Last error: 503: \S.*$/m, "the agent's one-line reason, e.g. config not received");
});

t.test('draining agent: the reason is the drain', async (t) => {
  const agent = await startAgent(t, { drain: '30s', parentShutdown: '40s' });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGTERM');
  const url = `http://127.0.0.1:${agent.ports.status}/healthz/ready`;
  const res = await runAgent(['wait', '--url', url, '--timeoutSeconds', '1', '--periodMillis', '100']);
  t.equal(res.code, 255);
  t.match(res.stderr, /Last error: 503: draining$/m);
});

t.test('nothing listening: exit 255, "connection refused"', async (t) => {
  const port = await freePort();
  const res = await runAgent(['wait', '--url', `http://127.0.0.1:${port}/healthz/ready`, '--timeoutSeconds', '1', '--periodMillis', '50']);
  t.equal(res.code, 255);
  t.equal(lines(res.stderr).length, 1);
  t.match(res.stderr, timeoutLine);
  t.match(res.stderr, /Last error: connection refused \(127\.0\.0\.1:\d+\)$/m);
});
