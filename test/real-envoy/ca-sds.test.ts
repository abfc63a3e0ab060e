// Real Envoy with a certificate from the CA client: no files mounted, JWT_POLICY set, the local CA (tools/ca-server)
// signs; a TLS listener sent by the xDS server names SDS secret `default`. Envoy serves the CA-issued certificate
// (its SPIFFE identity in /certs), and the rotation at the grace period reaches /certs and new connections with no
// new epoch.
import t from 'tap';
import { fakeServiceAccountToken, startCaServer } from '../../tools/ca-server/src/index.js';
import { sdsTlsListener, seedNames, seedSnapshot, startXdsServer } from '../../tools/xds-server/src/index.js';
import { caAgentArgs, caPod } from '../helpers/ca-pod.js';
import { startApp } from '../helpers/direct-envoy.js';
import { freePort, request, waitFor } from '../helpers/net.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { startAgent } from '../helpers/running-agent.js';
import { envoyEpoch, httpsGet, serial } from '../helpers/sds-envoy.js';

interface CertDetails {
  serial_number: string;
  subject_alt_names?: { uri?: string }[];
}

async function envoyCerts(adminPort: number): Promise<CertDetails[]> {
  const body = JSON.parse((await request(`http://127.0.0.1:${adminPort}/certs`)).body) as { certificates: { cert_chain?: CertDetails[] }[] };
  return body.certificates.flatMap((c) => c.cert_chain ?? []);
}

t.test('envoy serves the CA-issued certificate from SDS, and its rotation, in one epoch', async (t) => {
  const token = fakeServiceAccountToken('test', 'app');
  const ca = await startCaServer({ token });
  t.teardown(() => ca.close());
  const pod = caPod(t, ca.port, { SECRET_TTL: '8s' });
  pod.writeToken(token);
  pod.writeRoot(ca.rootPem);
  const appPort = await startApp(t);
  const tlsPort = await freePort();
  const seed = seedSnapshot({ inboundPort: await freePort(), outboundPort: await freePort(), appPort, version: '1' });
  const listener = sdsTlsListener({ port: tlsPort, cluster: seedNames(appPort).outboundCluster });
  const xds = await startXdsServer({ snapshot: { ...seed, listeners: [...seed.listeners!, listener] } });
  t.teardown(() => xds.close());
  const agent = await startAgent(t, {
    args: (where) => [...caAgentArgs(where), '--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`],
    env: pod.env,
  });
  // Rotations come every 4 s: on a busy machine one may land before a check, so each check accepts any certificate
  // the CA issued, and "rotated" means one issued after the certificate seen before.
  const issued = (): string[] => agent.logs.filter((l) => l.msg === 'workload certificate issued by the CA').map((l) => serial(String(l.serial)));
  await waitFor('ready', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 60_000);
  const served = await waitFor('the TLS listener', () => httpsGet(tlsPort).catch(() => undefined), 30_000);
  t.equal(served.status, 200);
  const before = issued().indexOf(served.serial);
  t.ok(before >= 0, 'a TLS connection gets a CA-issued certificate');
  const inUse = await waitFor('/certs to list it', async () => (await envoyCerts(agent.ports.admin)).find((c) => issued().indexOf(serial(c.serial_number)) >= before));
  t.same(inUse.subject_alt_names, [{ uri: 'spiffe://cluster.local/ns/test/sa/app' }], '/certs shows its SPIFFE identity');

  const later = (s: string): boolean => issued().indexOf(s) > before;
  await waitFor('/certs to show a rotated certificate', async () => (await envoyCerts(agent.ports.admin)).some((c) => later(serial(c.serial_number))), 30_000);
  const next = await waitFor('a new connection to get it', async () => {
    const r = await httpsGet(tlsPort);
    return later(r.serial) ? r : undefined;
  });
  t.equal(next.status, 200, 'a new connection gets a rotated certificate');
  t.equal(agent.envoyPids().length, 1, 'one envoy process');
  t.equal(await envoyEpoch(agent.ports.admin), 0, 'still epoch 0');
});
