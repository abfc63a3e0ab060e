// The local xDS server against a real Envoy started directly with a bootstrap that only knows the ADS cluster.
import t, { type Test } from 'tap';
import { seedNames, seedSnapshot, startXdsServer, typeUrls, type XdsServer } from '../../../tools/xds-server/src/index.js';
import { startApp, startDirectEnvoy } from '../../helpers/direct-envoy.js';
import { freePort, request, waitFor } from '../../helpers/net.js';

const allTypes = Object.values(typeUrls);

async function started(t: Test) {
  const appPort = await startApp(t);
  const [inboundPort, outboundPort] = [await freePort(), await freePort()];
  const seed = { inboundPort, outboundPort, appPort };
  const xds = await startXdsServer({ snapshot: seedSnapshot({ ...seed, version: 'v1' }) });
  t.teardown(() => xds.close());
  const envoy = await startDirectEnvoy(t, xds.port);
  return { seed, xds, envoy };
}

const ackedAll = (version: string) => (x: XdsServer) => allTypes.every((u) => x.acks().some((a) => a.typeUrl === u && a.version === version));

t.test('envoy ACKs listeners, clusters, endpoints and routes, and the inbound listener reaches the app', async (t) => {
  const { seed, xds, envoy } = await started(t);
  await xds.waitFor('ACKs of every type at v1', ackedAll('v1'));
  t.equal(xds.nacks().length, 0, 'nothing rejected');
  t.same(xds.streams().map((s) => s.nodeId), [envoy.nodeId], 'one stream, keyed by the node id envoy sent');
  const inbound = await waitFor('the inbound listener to serve', () => request(`http://127.0.0.1:${seed.inboundPort}/in`).catch(() => undefined), 30_000);
  t.equal(inbound.status, 200);
  t.equal(inbound.body, 'hello from app /in\n', 'through RDS and the EDS cluster to the app');
  const outbound = await request(`http://127.0.0.1:${seed.outboundPort}/out`);
  t.equal(outbound.body, 'hello from app /out\n', 'through the inline route and the STATIC cluster');
  t.equal(await envoy.stat('cluster_manager.cds.update_success'), 1, 'CDS applied once');
  t.equal(await envoy.stat('listener_manager.lds.update_success'), 1, 'LDS applied once');
  const names = seedNames(seed.appPort);
  const eds = xds.responses().find((r) => r.typeUrl === typeUrls.endpoint);
  t.same(eds?.names, [names.inboundCluster], 'EDS answered with the name envoy asked for');
});

t.test('a bad listener is NACKed with envoy\'s reason, the old config keeps serving, and the next good snapshot is ACKed', async (t) => {
  const { seed, xds, envoy } = await started(t);
  await xds.waitFor('ACKs at v1', ackedAll('v1'));
  const good = seedSnapshot({ ...seed, version: 'v2' });
  const bad = { ...good, listeners: [...good.listeners!, { name: 'broken', address: { socket_address: { address: 'not-an-ip', port_value: 1 } } }] };
  xds.setSnapshot(bad);
  await xds.waitFor('a NACK of LDS v2', (x) => x.nacks().some((n) => n.typeUrl === typeUrls.listener && n.version === 'v2'));
  const nack = xds.nacks().find((n) => n.typeUrl === typeUrls.listener)!;
  t.equal(nack.acceptedVersion, 'v1', 'envoy says it still runs v1');
  t.match(nack.message, /not-an-ip/, `envoy's reason is recorded: ${nack.message}`);
  t.equal(nack.nodeId, envoy.nodeId);
  t.equal(await envoy.stat('listener_manager.lds.update_rejected'), 1, 'envoy counted the rejection');
  t.equal((await request(`http://127.0.0.1:${seed.inboundPort}/still`)).body, 'hello from app /still\n', 'the v1 listeners keep serving');

  xds.setSnapshot({ ...good, version: 'v3' });
  await xds.waitFor('an ACK of LDS v3', (x) => x.acks().some((a) => a.typeUrl === typeUrls.listener && a.version === 'v3'));
  t.equal(xds.nacks().length, 1, 'only the bad snapshot was rejected');
  t.equal(await envoy.stat('listener_manager.lds.update_success'), 2, 'v1 and v3 applied');
});
