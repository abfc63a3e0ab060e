// The xDS server's mutual-TLS mode, from a gRPC client: only a certificate of the mesh's root carrying the expected
// SPIFFE identity gets an ADS stream; each refusal is recorded with its reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import t, { type Test } from 'tap';
import { adsService, seedSnapshot, startXdsServer, typeUrls, type XdsServer } from '../../../tools/xds-server/src/index.js';
import type { DiscoveryRequest, DiscoveryResponse } from '../../../tools/xds-server/src/index.js';
import { makePki, type Pki } from '../../helpers/mtls-pki.js';

const identity = 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage';
const istiod = 'istiod.istio-system.svc';

async function mtlsServer(t: Test): Promise<{ xds: XdsServer; pki: Pki; dir: string }> {
  const dir = mkdtempSync(`${tmpdir()}/xds-mtls-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pki = makePki(dir, istiod);
  const xds = await startXdsServer({ snapshot: seedSnapshot({ inboundPort: 1, outboundPort: 2, appPort: 3, version: '1' }), tls: { ...pki.server, clientCa: Buffer.from(pki.root), clientIdentity: identity } });
  t.teardown(() => xds.close());
  return { xds, pki, dir };
}

/** Open an ADS stream as envoy would (verifying istiod's name) and ask for clusters: the first response, or the error. */
function firstResponse(port: number, root: string, client?: { cert: string; key: string }): Promise<DiscoveryResponse | Error> {
  const creds = grpc.credentials.createSsl(Buffer.from(root), client && Buffer.from(client.key), client && Buffer.from(client.cert));
  const Ads = grpc.makeGenericClientConstructor(adsService(), 'AggregatedDiscoveryService');
  const c = new Ads(`127.0.0.1:${port}`, creds, { 'grpc.ssl_target_name_override': istiod, 'grpc.default_authority': istiod }) as grpc.Client;
  const call = (c as unknown as { StreamAggregatedResources(): grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse> }).StreamAggregatedResources();
  return new Promise((resolve) => {
    const done = (r: DiscoveryResponse | Error): void => {
      call.cancel();
      c.close();
      resolve(r);
    };
    call.on('data', done);
    call.on('error', done);
    call.write({ node: { id: 'sidecar~10.1.2.3~app.default~default.svc.cluster.local', cluster: 'app' }, type_url: typeUrls.cluster } as DiscoveryRequest);
  });
}

const clientOf = (set: { 'cert-chain.pem': string; 'key.pem': string }) => ({ cert: set['cert-chain.pem'], key: set['key.pem'] });

t.test('the expected identity gets its config; the handshake is recorded with its SAN', async (t) => {
  const { xds, pki } = await mtlsServer(t);
  const r = await firstResponse(xds.port, pki.root, clientOf(pki.workload('app', identity)));
  t.notOk(r instanceof Error, String(r));
  t.equal((r as DiscoveryResponse).type_url, typeUrls.cluster);
  t.match(xds.handshakes(), [{ accepted: true, uriSans: [identity], reason: '' }]);
});

t.test('another identity of the same root is refused after the handshake, before any stream', async (t) => {
  const { xds, pki } = await mtlsServer(t);
  const r = await firstResponse(xds.port, pki.root, clientOf(pki.workload('other', 'spiffe://cluster.local/ns/default/sa/other')));
  t.ok(r instanceof Error, 'the stream fails');
  t.match(xds.handshakes()[0], { accepted: false, uriSans: ['spiffe://cluster.local/ns/default/sa/other'], reason: `is not ${identity}` });
  t.same(xds.streams(), [], 'no stream reached the server');
});

t.test('a certificate of another root, or none, fails the handshake itself', async (t) => {
  const { xds, pki, dir } = await mtlsServer(t);
  const stranger = makePki(mkdtempSync(`${dir}/other-`), istiod);
  t.ok(await firstResponse(xds.port, pki.root, clientOf(stranger.workload('app', identity))) instanceof Error, 'another root: refused');
  t.ok(await firstResponse(xds.port, pki.root) instanceof Error, 'no client certificate: refused');
  // The server records a failed handshake as it tears the connection down: wait for both records.
  await xds.waitFor('both refusals recorded', (x) => x.handshakes().filter((h) => !h.accepted).length >= 2, 10_000);
  const refused = xds.handshakes().filter((h) => !h.accepted);
  t.equal(refused.length, xds.handshakes().length, 'nothing accepted');
  t.ok(refused.every((h) => h.uriSans.length === 0 && h.reason !== ''), 'refused by TLS, with the reason');
  t.same(xds.streams(), []);
});
