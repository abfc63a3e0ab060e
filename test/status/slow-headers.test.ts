// Slow clients of the status server, with the headers bound shortened by its test knob
// (PILOT_AGENT_STATUS_HEADERS_TIMEOUT=1s): a slowloris is cut off with 408 although it never stops
// sending, a silent connection is closed, idle keep-alive connections are closed, and none of them
// holds up the agent's shutdown. slow-headers-default.test.ts proves the real 10 s bound.
import t from 'tap';
import { startAgent } from '../helpers/running-agent.js';
import { idleKeepAlive, silentConnection, slowloris } from '../helpers/slow-client.js';

const knob = { PILOT_AGENT_STATUS_HEADERS_TIMEOUT: '1s' };

t.test('a slowloris dribbling a byte every 100 ms is cut off with 408 while still dribbling', async (t) => {
  const agent = await startAgent(t, { env: knob });
  await agent.waitForMsg('status server listening');
  // 300 bytes would take 30 s: the bound is absolute, not reset by each byte.
  const { received, dribbled } = await slowloris(agent.ports.status, 100, 300);
  t.match(received, /^HTTP\/1\.1 408 /, 'answered 408 Request Timeout');
  t.ok(dribbled < 300, `cut off after ${dribbled} bytes, while still sending`);
  t.equal(agent.proc.exitCode, null, 'the agent is still running');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('a connection that never sends a byte is closed', async (t) => {
  const agent = await startAgent(t, { env: knob });
  await agent.waitForMsg('status server listening');
  const received = await silentConnection(agent.ports.status);
  t.notMatch(received, /\n\s+at /, 'no stack trace');
  t.equal(agent.proc.exitCode, null, 'the agent is still running');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('an idle keep-alive connection is closed by the server', async (t) => {
  const agent = await startAgent(t, { env: knob });
  await agent.waitForMsg('envoy is LIVE');
  const received = await idleKeepAlive(agent.ports.status);
  t.match(received, /^HTTP\/1\.1 200 /, 'the request was answered, then the idle connection closed');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('shutdown does not wait for slow, silent or kept-alive connections', async (t) => {
  // The real 10 s bound: these clients would hold a close() that waits for them.
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  let answered!: () => void;
  const keptAlive = new Promise<void>((r) => (answered = r));
  const slow = slowloris(agent.ports.status, 200, 1000);
  const others = [silentConnection(agent.ports.status), idleKeepAlive(agent.ports.status, () => answered())];
  await keptAlive;
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0, 'exited 0');
  await Promise.all(others);
  t.ok((await slow).dribbled < 1000, 'the slowloris was dropped by the exit, not by running out of bytes');
});

t.test('a bad PILOT_AGENT_STATUS_HEADERS_TIMEOUT is exit 2 and one line', async (t) => {
  for (const bad of ['abc', '20s', '1ms']) {
    const agent = await startAgent(t, { env: { PILOT_AGENT_STATUS_HEADERS_TIMEOUT: bad } });
    t.equal((await agent.exited).code, 2, bad);
    t.equal(agent.stderr.trim().split('\n').length, 1, 'one line');
    t.match(agent.stderr, `PILOT_AGENT_STATUS_HEADERS_TIMEOUT`);
    t.match(agent.stderr, JSON.stringify(bad));
    t.same(agent.logs, [], 'nothing on stdout');
  }
});
