import t from 'tap';
import { startAgent } from '../helpers/running-agent.js';

// The LIVE poll pauses 20 ms, then 200 ms, between /server_info calls, abortable when the epoch exits.
// Each pause used to leave an 'abort' listener behind: after 11 polls Node warned, and an epoch that
// never became LIVE leaked listeners without bound. The stub stays INITIALIZING for a while (dozens of
// polls) so the leak, if any, shows as a MaxListenersExceededWarning on the agent's stderr.
const leakWarning = /MaxListenersExceededWarning/;
const liveEpochs = (events: Record<string, unknown>[]): unknown[] =>
  events.filter((e) => e.event === 'state' && e.to === 'LIVE').map((e) => e.epoch);

t.test('an envoy that stays INITIALIZING is polled without leaking abort listeners', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '2500' } });
  await agent.waitForMsg('envoy is LIVE');
  t.same(liveEpochs(agent.events()), [0]);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.notMatch(agent.stderr, leakWarning, 'no MaxListenersExceededWarning on stderr');
  t.notOk(agent.logs.some((l) => leakWarning.test(JSON.stringify(l))), 'nor in the log');
});

t.test('a hot-restart child that initializes slowly is polled without leaking abort listeners', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '2500' } });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGHUP');
  await agent.waitForMsg('hot restart complete: new epoch is LIVE');
  t.same(liveEpochs(agent.events()), [0, 1]);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.notMatch(agent.stderr, leakWarning, 'no MaxListenersExceededWarning on stderr');
  t.notOk(agent.logs.some((l) => leakWarning.test(JSON.stringify(l))), 'nor in the log');
});
