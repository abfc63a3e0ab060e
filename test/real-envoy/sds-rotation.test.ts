// Certificates over SDS on real Envoy: a TLS listener sent by the xDS server names SDS secret `default`; the agent
// serves it from --certDir over its SDS socket, and a kubelet `..data` swap reaches envoy's /certs and new TLS
// connections without a new epoch.
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import t from 'tap';
import { sdsTlsListener, seedNames, seedSnapshot, startXdsServer } from '../../tools/xds-server/src/index.js';
import { setA, setB, type CertSet } from '../fixtures/certs/pki.js';
import { SecretVolume } from '../fixtures/certs/volume.js';
import { startApp } from '../helpers/direct-envoy.js';
import { freePort, request, waitFor } from '../helpers/net.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { startAgent } from '../helpers/running-agent.js';

/** Serial numbers compare as lowercase hex without leading zeros (Node prints them upper case, Envoy lower). */
const serial = (s: string): string => s.toLowerCase().replace(/^0+/, '');
const leafSerial = (set: CertSet): string => serial(new X509Certificate(set['cert-chain.pem']).serialNumber);

/** The leaf serials of every certificate chain envoy's admin /certs reports in use. */
async function envoyCertSerials(adminPort: number): Promise<string[]> {
  const body = JSON.parse((await request(`http://127.0.0.1:${adminPort}/certs`)).body) as { certificates: { cert_chain?: { serial_number: string }[] }[] };
  return body.certificates.flatMap((c) => (c.cert_chain ?? []).map((d) => serial(d.serial_number)));
}

/** One HTTPS request on a new connection to the TLS listener: the answer and the certificate it presented. */
function httpsGet(port: number): Promise<{ status: number; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/', agent: false, rejectUnauthorized: false }, (res) => {
      const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, serial: serial(peer.serialNumber) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

t.test('a ..data swap reaches envoy over SDS: /certs and new TLS connections show the new certificate, no new epoch', async (t) => {
  const appPort = await startApp(t);
  const tlsPort = await freePort();
  const seed = seedSnapshot({ inboundPort: await freePort(), outboundPort: await freePort(), appPort, version: '1' });
  const xds = await startXdsServer({
    snapshot: { ...seed, listeners: [...seed.listeners!, sdsTlsListener({ port: tlsPort, cluster: seedNames(appPort).outboundCluster })] },
  });
  t.teardown(() => xds.close());
  let volume: SecretVolume | undefined;
  const agent = await startAgent(t, {
    args: ({ dir }) => {
      volume = new SecretVolume(`${dir}/certs`);
      volume.write(setA());
      return ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`, '--certDir', `${dir}/certs`, '--certDelivery', 'sds'];
    },
  });
  await waitFor('ready', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 60_000);
  // The listener warms until its secret arrives: once it serves, it serves set A's certificate.
  const first = await waitFor('the TLS listener', () => httpsGet(tlsPort).catch(() => undefined), 30_000);
  t.same(first, { status: 200, serial: leafSerial(setA()) }, 'the TLS listener serves set A from SDS');
  t.ok((await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setA())), '/certs shows set A');

  volume!.write(setB());
  await waitFor('/certs to show set B', async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setB())), 30_000);
  t.notOk((await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setA())), 'set A is no longer in use');
  t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setB()) }, 'a new connection gets set B');
  t.ok(agent.logs.some((l) => l.msg === 'certificates changed; pushing them to envoy over SDS'), 'the rotation went over SDS');
  t.equal(agent.envoyPids().length, 1, 'no new envoy process');
  const info = JSON.parse((await request(`http://127.0.0.1:${agent.ports.admin}/server_info`)).body) as { command_line_options: { restart_epoch: number } };
  t.equal(info.command_line_options.restart_epoch, 0, 'still epoch 0');
});
