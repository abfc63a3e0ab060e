// The supervisor through bin/pilot-agent against the stub: an envoy that crashes is restarted at epoch 0
// after the back-off, one that keeps crashing spends the budget.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { startAgent } from '../helpers/running-agent.js';

t.test('restarts a crashed envoy at epoch 0: readiness 503 at once, then LIVE again', async (t) => {
  const agent = await startAgent(t, {
    env: { ENVOY_STUB_CRASH_AFTER_MS: '400', ENVOY_STUB_CRASH_FIRST_STARTS: '1', ENVOY_STUB_CRASH_EXIT_CODE: '3', ENVOY_RESTART_BACKOFF: '1s' },
  });
  const crash = await agent.waitForMsg('envoy exited unexpectedly');
  t.match(crash, { epoch: 0, code: 3, failures: 1 });
  t.same(await agent.get('/healthz/ready'), { status: 503, body: 'envoy not running\n' });
  await agent.waitForMsg('envoy is LIVE', crash.msg ? agent.logs.filter((l) => l.msg === 'envoy is LIVE').length + 1 : 1);
  t.equal((await agent.get('/healthz/ready')).status, 200);
  t.same(agent.envoyStartEpochs(), [0, 0], 'both starts at epoch 0');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('gives up on a crash-looping envoy: exit 1 and a termination message', async (t) => {
  const agent = await startAgent(t, {
    args: ['--proxyLogLevel', 'info'],
    env: { ENVOY_STUB_CRASH_AFTER_MS: '50', ENVOY_STUB_CRASH_SIGNAL: 'SIGKILL', ENVOY_RESTART_BUDGET: '3', ENVOY_RESTART_BACKOFF: '50ms' },
  });
  t.equal((await agent.exited).code, 1);
  t.same(agent.envoyStartEpochs(), [0, 0, 0], `three failed starts, all at epoch 0 (stderr: ${agent.stderr.slice(-400)}; last log: ${JSON.stringify(agent.logs.slice(-3))})`);
  const message = readFileSync(`${agent.dir}/termination-log`, 'utf8');
  t.match(message, /^envoy \(epoch 0\) was killed by SIGKILL \(possibly out of memory: check the container memory limit\); gave up after 3 consecutive failed starts\./);
  t.match(message, /last envoy stderr lines:\n.*initializing epoch 0/);
  t.ok(agent.logs.some((l) => l.msg.startsWith('envoy keeps failing')), 'the same text is logged');
});

t.test('SIGTERM during back-off exits 0 without starting envoy again', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_CRASH_AFTER_MS: '100', ENVOY_STUB_CRASH_FIRST_STARTS: '1', ENVOY_RESTART_BACKOFF: '30s' } });
  await agent.waitForMsg('backing off before restarting envoy at epoch 0');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.same(agent.envoyStartEpochs(), [0]);
});
