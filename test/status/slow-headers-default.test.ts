// The README's bound, as shipped: a status client must send its complete request headers within 10 s.
// A slowloris sending a byte every 500 ms is cut off with 408 while still sending. Counted in bytes,
// not seconds: the bound it proves is "before 40 bytes" (20 s at this pace, more on a busy machine,
// where timers only run late), which the old ~33 s bound (node's 30 s check interval) failed.
import t from 'tap';
import { startAgent } from '../helpers/running-agent.js';
import { slowloris } from '../helpers/slow-client.js';

t.test('with the default bound, a slowloris is cut off with 408 well within 20 s of dribbling', async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('status server listening');
  const { received, dribbled } = await slowloris(agent.ports.status, 500, 40);
  t.match(received, /^HTTP\/1\.1 408 /, 'answered 408 Request Timeout');
  t.ok(dribbled < 40, `cut off after ${dribbled} bytes at one per 500 ms, while still sending`);
  t.not((await agent.get('/healthz/ready')).status, 408, 'the agent still answers');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});
