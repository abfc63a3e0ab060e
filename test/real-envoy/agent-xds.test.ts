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
