// Certificates over SDS on real Envoy: a TLS listener sent by the xDS server names SDS secret `default`; the agent
// serves it from --certDir over its SDS socket. A kubelet `..data` swap reaches envoy's /certs and new TLS
// connections without a new epoch; bad material (garbage, a mismatched key, an expired leaf) is never pushed and
// envoy keeps the certificate it has. With --certDelivery restart the same swap takes a hot restart.
import t from 'tap';
import { certSet, setA, setB } from '../fixtures/certs/pki.js';
import { waitFor } from '../helpers/net.js';
import { envoyCertSerials, envoyEpoch, httpsGet, leafSerial, startSdsAgent } from '../helpers/sds-envoy.js';

const rejected = 'certificate change rejected; the running envoy keeps serving';

t.test('over SDS: a ..data swap reaches /certs and new TLS connections with no new epoch; bad material is never pushed', async (t) => {
  const { agent, volume, tlsPort } = await startSdsAgent(t, setA());
  const metric = async (name: string): Promise<number> => {
    const m = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec((await agent.get('/stats/prometheus')).body);
    return Number(m?.[1] ?? 0);
  };
  t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setA()) }, 'the TLS listener serves set A from SDS');
  t.ok((await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setA())), '/certs shows set A');

  volume.write(setB());
  await waitFor('/certs to show set B', async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setB())), 30_000);
  t.notOk((await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setA())), 'set A is no longer in use');
  t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setB()) }, 'a new connection gets set B');
  t.ok(agent.logs.some((l) => l.msg === 'certificates changed; pushing them to envoy over SDS'), 'the rotation went over SDS');
  t.equal(agent.envoyPids().length, 1, 'no new envoy process');
  t.equal(await envoyEpoch(agent.ports.admin), 0, 'still epoch 0');

  const pushes = await metric('istio_agent_sds_pushes_total');
  const cases = [
    { name: 'garbage chain', set: { ...setB(), 'cert-chain.pem': 'not a certificate\n' }, reason: /cert-chain\.pem: no PEM certificate in it/ },
    { name: 'mismatched key', set: certSet('leaf-a.pem', 'leaf-b.key'), reason: /key\.pem does not match the leaf certificate/ },
    { name: 'expired leaf', set: certSet('expired.pem', 'expired.key'), reason: /expired at 2001-01-01T00:00:00\.000Z/ },
  ];
  for (const [i, c] of cases.entries()) {
    volume.write(c.set);
    t.match((await agent.waitForMsg(rejected, i + 1)).reason, c.reason, `${c.name}: the log line says why`);
    t.equal(await metric('istio_agent_cert_reloads_total{result="invalid"}'), i + 1, `${c.name}: counted as invalid`);
    t.same(await envoyCertSerials(agent.ports.admin), [leafSerial(setB())], `${c.name}: envoy still uses set B`);
    t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setB()) }, `${c.name}: and serves it`);
  }
  t.equal(await metric('istio_agent_sds_pushes_total'), pushes, 'nothing was pushed');

  volume.write(setA());
  await waitFor('/certs to show set A again', async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setA())), 30_000);
  t.ok((await metric('istio_agent_sds_pushes_total')) > pushes, 'the next valid set was pushed');
  t.equal(agent.envoyPids().length, 1, 'one envoy throughout');
});

t.test('the same swap with --certDelivery restart: a hot restart, whose new epoch reads the files', async (t) => {
  const { agent, volume, tlsPort } = await startSdsAgent(t, setA(), { delivery: 'restart' });
  t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setA()) }, 'the TLS listener serves set A from the files');
  volume.write(setB());
  await agent.waitForMsg('hot restart complete: new epoch is LIVE', 1, 60_000);
  await waitFor('/certs to show set B', async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setB())), 30_000);
  // The listen socket is shared with the draining parent, which may still accept a connection (set A) for a
  // moment after the child is LIVE: wait for a connection served by the new epoch.
  const served = await waitFor('a new connection served with set B', async () => {
    const got = await httpsGet(tlsPort);
    return got.serial === leafSerial(setB()) && got;
  }, 30_000, 100).catch(() => undefined);
  t.same(served, { status: 200, serial: leafSerial(setB()) }, 'a new connection gets set B');
  t.equal(agent.envoyPids().length, 2, 'a second envoy process');
  t.equal(await envoyEpoch(agent.ports.admin), 1, 'epoch 1');
  t.notOk(agent.logs.some((l) => l.msg === 'SDS server listening'), 'no SDS server');
});
