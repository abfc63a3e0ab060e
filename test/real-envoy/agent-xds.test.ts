// bin/pilot-agent supervising real Envoy whose ADS (--discoveryAddress) is the local xDS server: readiness follows
// the config as Istio's does, and the seed pod's inbound listener reaches the app.
import t from 'tap';
import { seedSnapshot, startXdsServer, typeUrls } from '../../tools/xds-server/src/index.js';
import { startApp } from '../helpers/direct-envoy.js';
import { freePort, request, waitFor } from '../helpers/net.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { startAgent } from '../helpers/running-agent.js';

t.test('readiness is 503 "config not received from XDS server" while xDS withholds config, 200 once envoy has it, and the inbound listener reaches the app', async (t) => {
  const appPort = await startApp(t);
  const [inboundPort, outboundPort] = [await freePort(), await freePort()];
  const xds = await startXdsServer(); // no snapshot yet: envoy's requests stay unanswered
  t.teardown(() => xds.close());
  const agent = await startAgent(t, { args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`] });

  await xds.waitFor('envoy to open its ADS stream', (x) => x.streams().some((s) => s.nodeId !== ''));
  t.match(xds.streams()[0]!.nodeId, /^sidecar~127\.0\.0\.1~app-0\.test~/, 'the node id the agent put in the bootstrap');
  const withheld = await waitFor('readiness to ask envoy about config', async () => {
    const r = await agent.get('/healthz/ready');
    return /config not received from XDS server/.test(r.body) && r;
  }, 30_000);
  t.equal(withheld.status, 503, `not ready: ${withheld.body.trim()}`);
  t.match(withheld.body, /cds updates: 0 successful/);

  xds.setSnapshot(seedSnapshot({ inboundPort, outboundPort, appPort, version: '1' }));
  await xds.waitFor('ACKs of every type', (x) => Object.values(typeUrls).every((u) => x.acks().some((a) => a.typeUrl === u && a.version === '1')));
  const ready = await waitFor('readiness 200', async () => {
    const r = await agent.get('/healthz/ready');
    return r.status === 200 && r;
  }, 30_000);
  t.equal(ready.status, 200, 'ready once listeners and clusters arrived');
  const reply = await request(`http://127.0.0.1:${inboundPort}/through-envoy`);
  t.equal(reply.body, 'hello from app /through-envoy\n', 'inbound listener → RDS route → EDS cluster → app');
  t.equal(xds.nacks().length, 0);
});

t.test('each epoch of a hot restart opens its own ADS stream and is served on it; the parent\'s stream closes when it exits', async (t) => {
  const appPort = await startApp(t);
  const inboundPort = await freePort();
  const xds = await startXdsServer({ snapshot: seedSnapshot({ inboundPort, outboundPort: await freePort(), appPort, version: '1' }) });
  t.teardown(() => xds.close());
  // info: envoy logs a few lines per epoch, in Istio 1.5's --log-format.
  const agent = await startAgent(t, { args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`, '--proxyLogLevel', 'info'] });
  const ackedOn = (stream: number) => Object.values(typeUrls).every((u) => xds.acks().some((a) => a.stream === stream && a.typeUrl === u));
  await xds.waitFor('epoch 0 to ACK every type', () => ackedOn(1));
  await agent.waitForMsg('envoy is LIVE');

  agent.signal('SIGHUP'); // a hot restart: epoch 1 starts beside epoch 0
  await xds.waitFor('epoch 1 to ACK every type on a second stream', () => ackedOn(2), 60_000);
  await xds.waitFor('epoch 0\'s stream to close once it has handed over', (x) => x.streams()[0]!.open === false, 60_000);
  const [parent, child] = xds.streams();
  t.equal(child!.nodeId, parent!.nodeId, 'both epochs are the same node');
  t.ok(child!.open, 'the new epoch keeps its stream');
  t.equal((await request(`http://127.0.0.1:${inboundPort}/after`)).body, 'hello from app /after\n', 'the new epoch serves the inbound listener');
  for (const epoch of [0, 1]) {
    t.match(agent.stderr, new RegExp(`^\\[Envoy \\(Epoch ${epoch}\\)\\] \\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\]\\[\\d+\\]\\[info\\]\\[\\w+\\] `, 'm'), `epoch ${epoch} logs in Istio 1.5's format`);
  }
});
