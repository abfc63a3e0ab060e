import t from 'tap';
import { alive, startAgent, type RunningAgent } from '../helpers/running-agent.js';

// The stub starts one descendant in a session of its own (setsid: outside envoy's process group) that
// ignores SIGTERM. A group kill misses it, and once envoy is dead the ppid tree no longer leads to it.
async function detachedPid(agent: RunningAgent): Promise<number> {
  await agent.waitForMsg('envoy is LIVE');
  const event = agent.events().find((e) => e.event === 'detached_grandchild');
  if (!event) throw new Error('the stub logged no detached_grandchild');
  return event.pid as number;
}

const sweepFound = (agent: RunningAgent): boolean => agent.logs.some((l) => String(l.msg).startsWith('final sweep:'));

t.test('a setsid descendant of an envoy killed at parentShutdownDuration dies with it', async (t) => {
  const agent = await startAgent(t, { drain: '1s', parentShutdown: '2s', env: { ENVOY_STUB_DETACHED_GRANDCHILD: '1', ENVOY_STUB_IGNORE_SIGTERM: '1' } });
  const pid = await detachedPid(agent);
  t.teardown(() => void (alive(pid) && process.kill(pid, 'SIGKILL')));
  t.ok(alive(pid), 'the detached descendant runs');
  agent.signal('SIGTERM');
  await agent.waitForMsg('envoy still running at the shutdown deadline; killing it');
  t.equal((await agent.exited).code, 0);
  t.notOk(alive(pid), 'no such process after the agent exited');
  t.notOk(sweepFound(agent), `killed at the deadline with envoy, not left to the final sweep (${JSON.stringify(agent.logs.filter((l) => String(l.msg).startsWith('final sweep')))})`);
});

t.test('a setsid descendant that ignores SIGTERM does not outlive a graceful shutdown', async (t) => {
  const agent = await startAgent(t, { drain: '1s', parentShutdown: '2s', env: { ENVOY_STUB_DETACHED_GRANDCHILD: '1' } });
  const pid = await detachedPid(agent);
  t.teardown(() => void (alive(pid) && process.kill(pid, 'SIGKILL')));
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.notOk(alive(pid), 'no such process after the agent exited');
});
