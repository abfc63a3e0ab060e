// The xDS protocol rules, driven by a scripted ADS client instead of Envoy, so each rule is seen on its own:
// what gets an answer, what does not, and what is recorded.
import * as grpc from '@grpc/grpc-js';
import t, { type Test } from 'tap';
import {
  adsService,
  seedNames,
  seedSnapshot,
  startXdsServer,
  typeUrls,
  type DiscoveryRequest,
  type DiscoveryResponse,
  type XdsServer,
} from '../../../tools/xds-server/src/index.js';

const Client = grpc.makeGenericClientConstructor(adsService(), 'AggregatedDiscoveryService');
const seed = { inboundPort: 1, outboundPort: 2, appPort: 8080 };
const names = seedNames(seed.appPort);

/** A scripted ADS client: sends requests as Envoy would and collects what comes back. */
async function client(t: Test, xds: XdsServer, nodeId = 'node-a') {
  const c = new Client(`127.0.0.1:${xds.port}`, grpc.credentials.createInsecure());
  const call = (c as unknown as Record<string, () => grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse>>)['StreamAggregatedResources']!();
  const got: DiscoveryResponse[] = [];
  call.on('data', (r: DiscoveryResponse) => got.push(r));
  call.on('error', () => {}); // cancelled in teardown
  t.teardown(() => {
    call.cancel();
    c.close();
  });
  const send = (typeUrl: string, fields: Partial<DiscoveryRequest> = {}): void =>
    void call.write({ version_info: '', node: { id: nodeId, cluster: 'c' }, resource_names: [], type_url: typeUrl, response_nonce: '', ...fields });
  return { got, send, call };
}

const responsesOf = (xds: XdsServer, typeUrl: string) => xds.responses().filter((r) => r.typeUrl === typeUrl);

async function started(t: Test, withSnapshot = true) {
  const xds = await startXdsServer(withSnapshot ? { snapshot: seedSnapshot({ ...seed, version: 'v1' }) } : {});
  t.teardown(() => xds.close());
  return xds;
}

t.test('a first request gets the snapshot; an ACK with the same names gets nothing more', async (t) => {
  const xds = await started(t);
  const envoy = await client(t, xds);
  envoy.send(typeUrls.cluster);
  await xds.waitFor('the CDS response', () => responsesOf(xds, typeUrls.cluster).length === 1);
  const cds = envoy.got[0] ?? (await new Promise<DiscoveryResponse>((r) => envoy.call.once('data', r)));
  t.equal(cds.version_info, 'v1');
  t.same(cds.resources.map((r) => r.type_url), [typeUrls.cluster, typeUrls.cluster], 'every cluster, packed as Any with its type URL');
  envoy.send(typeUrls.cluster, { version_info: 'v1', response_nonce: cds.nonce });
  await xds.waitFor('the ACK', (x) => x.acks().length === 1);
  envoy.send(typeUrls.endpoint, { resource_names: [names.inboundCluster] }); // a later event on the same stream
  await xds.waitFor('the EDS response', () => responsesOf(xds, typeUrls.endpoint).length === 1);
  t.equal(responsesOf(xds, typeUrls.cluster).length, 1, 'no second CDS response');
  t.same(xds.acks()[0], { stream: 1, nodeId: 'node-a', typeUrl: typeUrls.cluster, nonce: cds.nonce, version: 'v1' });
});

t.test('EDS and RDS answer only the names asked for, and a changed name list is answered', async (t) => {
  const xds = await started(t);
  const envoy = await client(t, xds);
  envoy.send(typeUrls.route, { resource_names: ['no-such-route'] });
  await xds.waitFor('the RDS response', () => responsesOf(xds, typeUrls.route).length === 1);
  t.same(responsesOf(xds, typeUrls.route)[0]!.names, [], 'an unknown name: an empty answer');
  envoy.send(typeUrls.route, { resource_names: [names.inboundRoute], version_info: 'v1', response_nonce: responsesOf(xds, typeUrls.route)[0]!.nonce });
  await xds.waitFor('a second RDS response', () => responsesOf(xds, typeUrls.route).length === 2);
  t.same(responsesOf(xds, typeUrls.route)[1]!.names, [names.inboundRoute]);
});

t.test('a NACK is recorded with the rejected version and reason, and the same config is not resent', async (t) => {
  const xds = await started(t);
  const envoy = await client(t, xds);
  envoy.send(typeUrls.listener);
  await xds.waitFor('the LDS response', () => responsesOf(xds, typeUrls.listener).length === 1);
  const nonce = responsesOf(xds, typeUrls.listener)[0]!.nonce;
  envoy.send(typeUrls.listener, { response_nonce: nonce, error_detail: { code: 13, message: 'bad listener' } });
  await xds.waitFor('the NACK', (x) => x.nacks().length === 1);
  t.match(xds.nacks()[0], { typeUrl: typeUrls.listener, version: 'v1', acceptedVersion: '', code: 13, message: 'bad listener', nodeId: 'node-a' });
  envoy.send(typeUrls.cluster); // something later on the stream, so a resend would have shown up before it
  await xds.waitFor('the CDS response', () => responsesOf(xds, typeUrls.cluster).length === 1);
  t.equal(responsesOf(xds, typeUrls.listener).length, 1, 'no LDS resend after the NACK');
  t.equal(xds.acks().length, 0);
});

t.test('a stale nonce is neither an ACK nor a NACK', async (t) => {
  const xds = await started(t);
  const envoy = await client(t, xds);
  envoy.send(typeUrls.cluster);
  await xds.waitFor('the CDS response', () => responsesOf(xds, typeUrls.cluster).length === 1);
  xds.setSnapshot(seedSnapshot({ ...seed, version: 'v2' }));
  await xds.waitFor('the v2 push', () => responsesOf(xds, typeUrls.cluster).length === 2);
  const [first] = responsesOf(xds, typeUrls.cluster);
  envoy.send(typeUrls.cluster, { version_info: 'v1', response_nonce: first!.nonce, error_detail: { message: 'late' } });
  await new Promise<void>((resolve) => xds.events.once('ignored', () => resolve()));
  t.same([xds.acks().length, xds.nacks().length], [0, 0]);
});

t.test('without a snapshot requests stay unanswered; setSnapshot answers every open stream', async (t) => {
  const xds = await started(t, false);
  const a = await client(t, xds, 'node-a');
  const b = await client(t, xds, 'node-b');
  a.send(typeUrls.cluster);
  b.send(typeUrls.listener);
  await xds.waitFor('both streams', (x) => x.streams().filter((s) => s.nodeId).length === 2);
  t.equal(xds.responses().length, 0, 'nothing sent while withheld');
  xds.setSnapshot(seedSnapshot({ ...seed, version: 'v7' }));
  await xds.waitFor('both answered', (x) => x.responses().length === 2);
  t.same(
    xds.responses().map((r) => [r.nodeId, r.typeUrl, r.version]).sort(),
    [['node-a', typeUrls.cluster, 'v7'], ['node-b', typeUrls.listener, 'v7']],
    'each stream its own type, at the new version',
  );
  t.same(xds.streams().map((s) => s.nodeId).sort(), ['node-a', 'node-b']);
});

t.test('a stream that ends is recorded as closed', async (t) => {
  const xds = await started(t);
  const envoy = await client(t, xds);
  envoy.send(typeUrls.cluster);
  await xds.waitFor('the stream', (x) => x.streams().length === 1 && x.streams()[0]!.nodeId === 'node-a');
  envoy.call.cancel();
  await xds.waitFor('it to close', (x) => !x.streams()[0]!.open);
  t.pass('closed');
});

t.test('a snapshot with a misspelt field or an unloaded @type is refused by setSnapshot, and the old one stays', async (t) => {
  const xds = await started(t);
  const good = seedSnapshot({ ...seed, version: 'v2' });
  const typo = { ...good, clusters: [{ ...good.clusters![0]!, connect_timeout: { second: 1 } }] };
  t.throws(() => xds.setSnapshot(typo), /Cluster inbound\|8080\|\|\.connect_timeout: unknown field "second" in google\.protobuf\.Duration/);
  const deep = seedSnapshot({ ...seed, version: 'v3' });
  const filter = (deep.listeners![0]!['filter_chains'] as { filters: { typed_config: Record<string, unknown> }[] }[])[0]!.filters[0]!;
  filter.typed_config = { ...filter.typed_config, stat_prefx: 'x' };
  t.throws(() => xds.setSnapshot(deep), /unknown field "stat_prefx" in envoy\.extensions\.filters\.network\.http_connection_manager\.v3\.HttpConnectionManager/);
  filter.typed_config = { '@type': 'type.googleapis.com/envoy.extensions.filters.network.nope.v3.Nope' };
  t.throws(() => xds.setSnapshot(deep), /@type .*Nope is not a loaded message type/);
  t.equal(xds.snapshot()?.version, 'v1', 'still serving v1');
});
