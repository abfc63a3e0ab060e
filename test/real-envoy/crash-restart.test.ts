// Real Envoy crashing under the agent: a SIGKILLed envoy turns readiness 503, comes back at epoch 0 after the
// back-off and gets its config again over a new ADS stream; an envoy that can never start spends the restart
// budget and the agent exits 1 with a termination message.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { seedSnapshot, startXdsServer, typeUrls } from '../../tools/xds-server/src/index.js';
import { startApp } from '../helpers/direct-envoy.js';
import { freePort, request, waitFor } from '../helpers/net.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { alive, startAgent } from '../helpers/running-agent.js';

t.test('a SIGKILLed envoy: readiness 503, epoch 0 again after the back-off, config over a new ADS stream, ready again', async (t) => {
  const appPort = await startApp(t);
  const inboundPort = await freePort();
  const xds = await startXdsServer({ snapshot: seedSnapshot({ inboundPort, outboundPort: await freePort(), appPort, version: '1' }) });
  t.teardown(() => xds.close());
  const agent = await startAgent(t, {
    args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`],
    env: { ENVOY_RESTART_BACKOFF: '300ms' },
  });
  const ackedOn = (stream: number) => Object.values(typeUrls).every((u) => xds.acks().some((a) => a.stream === stream && a.typeUrl === u));
  await xds.waitFor('the first envoy to ACK every type', () => ackedOn(1), 30_000);
  await waitFor('readiness 200', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 30_000);
  const [first] = agent.envoyPids();

  process.kill(first!, 'SIGKILL');
  const crash = await agent.waitForMsg('envoy exited unexpectedly');
  t.match(crash, { epoch: 0, signal: 'SIGKILL' }, 'the agent saw how envoy died');
  const probe = await agent.get('/healthz/ready');
  t.equal(probe.status, 503, `not ready once envoy is gone: ${probe.body.trim()}`);

  const backoff = await agent.waitForMsg('backing off before restarting envoy at epoch 0');
  t.equal(backoff.ms, 300, 'the configured first back-off');
  const restarted = await agent.waitForMsg('envoy started', 2);
  t.equal(restarted.epoch, 0, 'a crash restarts at epoch 0, not as a hot restart');
  t.not(restarted.envoyPid, first, 'a new process');
  t.ok(agent.logs.indexOf(backoff) < agent.logs.indexOf(restarted), 'the restart came after the back-off');
  t.notOk(alive(first!), 'the killed envoy is gone');

  await xds.waitFor('the new envoy to ACK every type on a second stream', () => ackedOn(2), 30_000);
  t.equal(xds.streams()[0]!.open, false, 'the dead envoy\'s stream closed');
  await waitFor('readiness 200 again', async () => (await agent.get('/healthz/ready')).status === 200, 30_000);
  t.equal((await request(`http://127.0.0.1:${inboundPort}/again`)).body, 'hello from app /again\n', 'the new envoy serves the inbound listener');
  t.equal(agent.proc.exitCode, null, 'the agent kept running');
});

t.test('an envoy whose admin port is taken spends the restart budget: exit 1 and a termination message', async (t) => {
  const blocker = net.createServer((s) => s.destroy());
  blocker.on('error', () => {});
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const adminPort = (blocker.address() as net.AddressInfo).port;
  const xds = await startXdsServer();
  t.teardown(() => xds.close());
  const agent = await startAgent(t, {
    args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`, '--proxyAdminPort', String(adminPort)],
    env: { ENVOY_RESTART_BUDGET: '3', ENVOY_RESTART_BACKOFF: '50ms' },
  });

  const { code } = await agent.exited;
  t.equal(code, 1, 'gave up');
  t.equal(agent.envoyPids().length, 3, 'three starts, the whole budget');
  t.equal(agent.logs.filter((l) => l.msg === 'envoy exited unexpectedly').length, 3);
  const gaveUp = agent.logs.find((l) => l.msg === 'envoy keeps failing; giving up so Kubernetes can restart the container');
  t.ok(gaveUp, 'the agent logged why it gave up');
  const message = readFileSync(`${agent.dir}/termination-log`, 'utf8');
  t.match(message, /^envoy \(epoch 0\) exited with code 1; gave up after 3 consecutive failed starts\./);
  t.match(message, `cannot bind '127.0.0.1:${adminPort}': Address already in use`, `envoy's own reason is kept:\n${message}`);
  for (const pid of agent.envoyPids()) t.notOk(alive(pid), `envoy ${pid} is gone`);
});
