// The supervisor through bin/pilot-agent against the stub: shutdown (SIGTERM at each stage,
// /quitquitquit, an envoy that ignores SIGTERM) and signals forwarded to envoy.
import t from 'tap';
import { alive, startAgent } from '../helpers/running-agent.js';
import { waitFor } from '../helpers/net.js';

t.test('SIGTERM while envoy is still starting stops it and exits 0', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '60000' } });
  await agent.waitForMsg('envoy started');
  // Until the stub process has bound its admin port, the honest answer is "unreachable": wait for its
  // own word that it listens, not for a number of tries.
  await waitFor('the stub to listen on admin', () => agent.events().some((e) => e.event === 'listening' && e.name === 'admin'), Infinity);
  const probe = await agent.get('/healthz/ready');
  t.equal(probe.status, 503);
  t.match(probe.body, /^(config not received from XDS server \(is Istiod running\?\): cds updates: 0 successful|server is not live, current state is: (PRE_)?INITIALIZING)/);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.notOk(alive(agent.envoyPids()[0]!));
});

t.test('an envoy that ignores SIGTERM is killed at parentShutdownDuration', async (t) => {
  const agent = await startAgent(t, { drain: '1s', parentShutdown: '2s', env: { ENVOY_STUB_IGNORE_SIGTERM: '1' } });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGTERM');
  await agent.waitForMsg('envoy still running at the shutdown deadline; killing it');
  t.equal((await agent.exited).code, 0);
  t.ok(agent.events().some((e) => e.event === 'signal' && e.signal === 'SIGTERM' && e.ignored === true), 'envoy saw and ignored SIGTERM');
  t.notOk(alive(agent.envoyPids()[0]!));
});

t.test('POST /quitquitquit shuts down gracefully; other methods are refused', async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  t.equal((await agent.get('/quitquitquit')).status, 405);
  t.same(await agent.post('/quitquitquit'), { status: 200, body: 'OK\n' });
  await agent.waitForMsg('shutdown: draining envoy');
  t.equal((await agent.exited).code, 0);
  t.ok(agent.events().some((e) => e.event === 'admin' && String(e.path).startsWith('/drain_listeners?inboundonly&graceful')), 'envoy was asked to drain inbound listeners');
});

t.test('forwards SIGUSR1 to a LIVE envoy only: one still starting keeps running and gets none', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '1500' } });
  await agent.waitForMsg('envoy started');
  agent.signal('SIGUSR1');
  await agent.waitForMsg('signal not forwarded to an envoy that is not LIVE yet');
  await agent.waitForMsg('envoy is LIVE');
  const usr1AtEnvoy = (): number => agent.events().filter((e) => e.event === 'signal' && e.signal === 'SIGUSR1').length;
  t.equal(usr1AtEnvoy(), 0, 'the starting envoy was not signalled');
  t.equal(agent.envoyPids().length, 1, 'and it was never restarted');
  agent.signal('SIGUSR1');
  // Until the stub records it; the per-file timeout turns a signal never delivered into a failure.
  await waitFor('the stub to record SIGUSR1', () => usr1AtEnvoy() > 0, Infinity);
  t.equal(usr1AtEnvoy(), 1, 'the LIVE envoy got SIGUSR1 (reopen logs)');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});
