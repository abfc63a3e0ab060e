import t from 'tap';
import { startAgent } from '../helpers/running-agent.js';

// Envoy exits 0 only when asked to (its admin /quitquitquit, a SIGTERM from someone else). As with
// Istio's pilot-agent, the agent's job then ends: exit 0, no restart. A Job's last step relies on it.
t.test("envoy's own /quitquitquit ends the agent with exit 0 and no restart", async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  t.equal((await agent.post('/quitquitquit', 'admin')).status, 200, 'envoy accepted /quitquitquit on its admin port');
  t.equal((await agent.exited).code, 0);
  t.ok(agent.logs.some((l) => l.msg === 'envoy exited 0 on its own; the agent stops too'));
  t.same(agent.envoyStartEpochs(), [0], 'envoy was not started again');
});

t.test('envoy quitting after a hot restart, while its parent still drains, ends the agent with exit 0', async (t) => {
  const agent = await startAgent(t, { parentShutdown: '30s', drain: '20s' });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGHUP');
  await agent.waitForMsg('hot restart complete: new epoch is LIVE');
  t.equal((await agent.post('/quitquitquit', 'admin')).status, 200, 'the new epoch owns the admin port');
  t.equal((await agent.exited).code, 0);
  t.notOk(agent.logs.some((l) => l.msg === 'envoy exited unexpectedly'), 'not taken for a crash');
  t.same(agent.envoyStartEpochs(), [0, 1]);
});

t.test('an envoy that crashes (non-zero) is still restarted', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_CRASH_AFTER_MS: '300', ENVOY_STUB_CRASH_FIRST_STARTS: '1', ENVOY_STUB_CRASH_EXIT_CODE: '3', ENVOY_RESTART_BACKOFF: '50ms' } });
  await agent.waitForMsg('envoy exited unexpectedly');
  await agent.waitForMsg('envoy is LIVE', 2);
  t.same(agent.envoyStartEpochs(), [0, 0]);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});
