// The agent's shutdown on real Envoy: SIGTERM drains the inbound listener while clients keep sending on keep-alive
// connections (none of their requests fails), then stops envoy and exits 0; a native sidecar's preStop drain
// followed by SIGTERM stops it at once.
import { http } from '../helpers/node-http.js';
import t from 'tap';
import { seedSnapshot, startXdsServer } from '../../tools/xds-server/src/index.js';
import { startApp } from '../helpers/direct-envoy.js';
import { keepSending } from '../helpers/keep-sending.js';
import { freePort, waitFor } from '../helpers/net.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { alive, startAgent } from '../helpers/running-agent.js';
import type { Test } from 'tap';

async function seededAgent(t: Test, opts: { drain: string; parentShutdown: string; env?: Record<string, string>; args?: string[] }) {
  const appPort = await startApp(t);
  const [inboundPort, outboundPort] = [await freePort(), await freePort()];
  const xds = await startXdsServer({ snapshot: seedSnapshot({ inboundPort, outboundPort, appPort, version: '1' }) });
  t.teardown(() => xds.close());
  const agent = await startAgent(t, { ...opts, args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`, ...(opts.args ?? [])] });
  await waitFor('readiness 200', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 30_000);
  return { agent, inboundPort, outboundPort };
}

t.test('SIGTERM: readiness 503 at once, envoy drains the inbound listener, no request fails, envoy stopped after the drain, exit 0', async (t) => {
  const { agent, inboundPort, outboundPort } = await seededAgent(t, { drain: '4s', parentShutdown: '20s' });
  const clients = keepSending(inboundPort, 4);
  t.teardown(() => clients.stop());
  const outbound = keepSending(outboundPort, 1); // the app's own calls out: not the agent's to drain
  t.teardown(() => outbound.stop());
  await waitFor('requests flowing', () => clients.tally.completed >= 20, 15_000);

  agent.signal('SIGTERM');
  await agent.waitForMsg('shutdown: draining envoy');
  const probe = await agent.get('/healthz/ready');
  t.equal(probe.status, 503, `not ready while draining: ${probe.body.trim()}`);
  const atSigterm = clients.tally.completed;
  t.equal(clients.tally.drainClosed, 0, 'before the drain envoy kept every connection alive');
  // Envoy's HTTP/1 drain is "connection: close" on responses, ever more often over --drain-time-s (its
  // downstream_cx_drain_close stat stays 0 for these): the clients see it and open new connections.
  await waitFor('envoy to close keep-alive connections for the drain while requests keep flowing', () => clients.tally.drainClosed > 0 && clients.tally.completed > atSigterm + 20, 30_000);
  await Promise.all([clients.stop(), outbound.stop()]);
  t.same(clients.tally.failures, [], 'no request failed');
  t.ok(outbound.tally.completed > 0 && outbound.tally.failures.length === 0, 'the outbound listener kept serving');
  t.equal(outbound.tally.drainClosed, 0, 'an inbound-only drain leaves the OUTBOUND listener\'s connections alone');
  t.equal(clients.tally.completed, clients.tally.started, `every request started got its full response (${clients.tally.completed})`);
  t.ok(clients.tally.drainClosed > 0, 'envoy answered some with "connection: close" (its drain)');

  const { code } = await agent.exited;
  t.equal(code, 0, 'exit 0');
  const msgs = agent.logs.map((l) => l.msg);
  const order = ['shutdown: draining envoy', 'drain finished; terminating envoy', 'signalling envoy', 'envoy stopped'].map((m) => msgs.indexOf(m));
  t.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), `drain, then SIGTERM, then stopped: ${order}`);
  t.type(agent.logs.find((l) => l.msg === 'drain finished; terminating envoy')?.drainMs, 'number', 'the line that ends the drain says how long it took');
  t.match(agent.logs.find((l) => l.msg === 'envoy accepted the drain request'), { path: '/drain_listeners?inboundonly&graceful' }, 'real Envoy answered 200 to the drain request');
  t.notOk(msgs.includes('envoy still running at the shutdown deadline; killing it'), 'envoy stopped on SIGTERM, no SIGKILL needed');
  t.match(agent.logs.find((l) => l.msg === 'envoy stopped'), { code: 0 }, 'envoy exited 0 on SIGTERM');
  for (const pid of agent.envoyPids()) t.notOk(alive(pid), 'envoy is gone');
});

t.test('EXIT_ON_ZERO_ACTIVE_CONNECTIONS: the agent exits once the last client connection closes, long before drainDuration', async (t) => {
  const { agent, inboundPort } = await seededAgent(t, {
    drain: '300s', // would outlast the test's hang guard: an exit proves the early end
    parentShutdown: '600s',
    env: { EXIT_ON_ZERO_ACTIVE_CONNECTIONS: 'true', MINIMUM_DRAIN_DURATION: '500ms' },
    args: ['--log_output_level', 'debug'], // the drain's connection counts are debug lines
  });
  const pool = new http.Agent({ keepAlive: true, maxSockets: 2 });
  t.teardown(() => pool.destroy());
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: inboundPort, path, agent: pool }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body)).on('error', reject);
      }).on('error', reject);
    });
  await Promise.all([get('/a'), get('/b')]); // two keep-alive connections stay open, idle
  t.equal(Object.values(pool.freeSockets).flat().length, 2, 'the client holds two idle connections');

  agent.signal('SIGTERM');
  const counted = (l: { msg: string; active?: unknown }) => l.msg === 'drain: active downstream connections' && typeof l.active === 'number' && l.active > 0;
  const busy = await agent.waitForLog(counted, 2, 30_000); // two polls: the drain is held by the connections
  t.equal(busy.active, 2, "the agent counts the client's connections on envoy's inbound listener");
  t.equal(agent.proc.exitCode, null, 'still draining while they are open');

  pool.destroy(); // the client goes away
  await agent.waitForMsg('envoy stopped', 1, 60_000); // the hang guard: drainDuration alone would take 300 s
  const { code } = await agent.exited;
  t.equal(code, 0, 'exit 0');
  const msgs = agent.logs.map((l) => l.msg);
  const early = msgs.indexOf('drain: no active downstream connections left; ending the drain early');
  t.ok(early > msgs.indexOf('shutdown: draining envoy'), 'the agent said why the drain ended');
  t.ok(msgs.indexOf('drain finished; terminating envoy') > early, 'and then terminated envoy');
  t.notOk(msgs.includes('envoy still running at the shutdown deadline; killing it'), 'envoy stopped on SIGTERM');
  for (const pid of agent.envoyPids()) t.notOk(alive(pid), 'envoy is gone');
});

t.test('native sidecar: the preStop POST /drain, then SIGTERM once the app is gone, stops envoy at once', async (t) => {
  const { agent, inboundPort } = await seededAgent(t, { drain: '300s', parentShutdown: '600s' }); // an exit proves no drain wait
  t.same(await agent.post('/drain'), { status: 200, body: 'OK\n' });
  t.match(await agent.waitForMsg('envoy accepted the drain request'), { path: '/drain_listeners?inboundonly&graceful&skip_exit' }, 'real Envoy accepts the drain that keeps it running');
  t.equal((await agent.get('/healthz/ready')).status, 503, 'not ready while draining');
  const clients = keepSending(inboundPort, 1);
  t.teardown(() => clients.stop());
  await waitFor('envoy still serving inbound while drained', () => clients.tally.completed >= 5, 15_000);
  await clients.stop();
  t.same(clients.tally.failures, [], 'the drained envoy kept answering');

  agent.signal('SIGTERM');
  await agent.waitForMsg('second shutdown request: skipping the rest of the drain', 1, 60_000);
  const { code } = await agent.exited;
  t.equal(code, 0, 'exit 0');
  t.match(agent.logs.find((l) => l.msg === 'envoy stopped'), { code: 0 }, 'envoy exited 0 on SIGTERM');
  for (const pid of agent.envoyPids()) t.notOk(alive(pid), 'envoy is gone');
});

t.test('an envoy stopped with SIGSTOP is SIGKILLed at parentShutdownDuration and nothing is left running', async (t) => {
  const { agent } = await seededAgent(t, { drain: '1s', parentShutdown: '3s' });
  const [pid] = agent.envoyPids();
  process.kill(pid!, 'SIGSTOP');
  t.teardown(() => {
    if (alive(pid!)) process.kill(pid!, 'SIGKILL');
  });

  agent.signal('SIGTERM');
  const { code } = await agent.exited;
  t.equal(code, 0, 'exit 0: the shutdown still completes');
  const msgs = agent.logs.map((l) => l.msg);
  t.ok(msgs.includes('drain request failed'), 'a stopped envoy does not answer the drain request');
  const sent = agent.logs.filter((l) => l.msg === 'signalling envoy').map((l) => l.signal);
  t.same(sent, ['SIGTERM', 'SIGKILL'], 'SIGTERM after the drain, SIGKILL at the deadline');
  t.ok(msgs.indexOf('envoy still running at the shutdown deadline; killing it') > msgs.indexOf('drain finished; terminating envoy'), 'the kill came at the deadline, after the drain');
  t.match(agent.logs.find((l) => l.msg === 'envoy stopped'), { signal: 'SIGKILL' }, 'envoy died by SIGKILL');
  t.notOk(alive(pid!), 'nothing is left running');
});
