// MUTUAL_TLS to the control plane with certificates over SDS, on real Envoy: the xds-grpc cluster's client
// certificate (secret `default`) and roots (`ROOTCA`) come from the agent's SDS server, the xDS server requires a
// client certificate from the same CA, and a rotation reaches the control-plane connection's TLS context in place.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import t from 'tap';
import { seedSnapshot, startXdsServer } from '../../tools/xds-server/src/index.js';
import { SecretVolume } from '../fixtures/certs/volume.js';
import { makePki } from '../helpers/mtls-pki.js';
import { freePort, waitFor } from '../helpers/net.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { startAgent } from '../helpers/running-agent.js';
import { envoyCertSerials, envoyEpoch, leafSerial } from '../helpers/sds-envoy.js';

t.test('xDS over mutual TLS with the client certificate from SDS, rotated in place', async (t) => {
  const work = mkdtempSync(`${tmpdir()}/sds-mtls-`);
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  // The pilot SAN the agent expects when the discovery host names no namespace (--discoveryAddress localhost:…).
  const pki = makePki(work, 'spiffe://cluster.local/ns/istio-system/sa/istio-pilot-service-account');
  const xds = await startXdsServer({
    snapshot: seedSnapshot({ inboundPort: await freePort(), outboundPort: await freePort(), appPort: await freePort(), version: '1' }),
    tls: { ...pki.server, clientCa: Buffer.from(pki.root) },
  });
  t.teardown(() => xds.close());
  const volume = new SecretVolume(`${work}/certs`);
  const first = pki.workload('app-one');
  volume.write(first);
  const agent = await startAgent(t, {
    args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `localhost:${xds.port}`, '--controlPlaneAuthPolicy', 'MUTUAL_TLS',
      '--certDir', volume.dir, '--certDelivery', 'sds'],
  });
  await waitFor('ready over mutual TLS', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 60_000);
  const loaded = agent.logs.find((l) => l.msg === 'SDS service loaded');
  t.equal(loaded?.trigger, 'envoy started', 'with MUTUAL_TLS gRPC loads while envoy starts, not on its first connection');
  t.ok(xds.acks().length > 0, 'the xDS server got ACKs over the mutual-TLS stream');
  t.ok((await envoyCertSerials(agent.ports.admin)).includes(leafSerial(first)), 'xds-grpc uses the SDS-delivered certificate');
  const sent = agent.logs.filter((l) => l.msg === 'SDS secrets sent').flatMap((l) => l.secrets as string[]);
  t.ok(sent.includes('default') && sent.includes('ROOTCA'), 'both secrets were served');

  const second = pki.workload('app-two');
  volume.write(second);
  await waitFor('/certs to show the rotated client certificate', async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(second)), 30_000);
  t.equal(await envoyEpoch(agent.ports.admin), 0, 'no new epoch');
  t.equal((await agent.get('/healthz/ready')).status, 200, 'still ready');
});
