// Bad material never reaches envoy over SDS: garbage, a mismatched key and an expired leaf are each rejected with
// a log line and a metric; nothing is pushed, envoy keeps serving the previous certificate, and the next valid set
// is pushed as usual.
import t from 'tap';
import { certSet, setA, setB } from '../fixtures/certs/pki.js';
import { waitFor } from '../helpers/net.js';
import { envoyCertSerials, httpsGet, leafSerial, startSdsAgent } from '../helpers/sds-envoy.js';

const rejected = 'certificate change rejected; the running envoy keeps serving';

t.test('garbage, a mismatched key and an expired leaf are rejected: nothing pushed, envoy keeps the old secret', async (t) => {
  const { agent, volume, tlsPort } = await startSdsAgent(t, setA());
  const metric = async (name: string): Promise<number> => {
    const m = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec((await agent.get('/stats/prometheus')).body);
    return Number(m?.[1] ?? 0);
  };
  const pushes = await metric('istio_agent_sds_pushes_total');
  const cases = [
    { name: 'garbage chain', set: { ...setA(), 'cert-chain.pem': 'not a certificate\n' }, reason: /cert-chain\.pem: no PEM certificate in it/ },
    { name: 'mismatched key', set: certSet('leaf-b.pem', 'leaf-a.key'), reason: /key\.pem does not match the leaf certificate/ },
    { name: 'expired leaf', set: certSet('expired.pem', 'expired.key'), reason: /expired at 2001-01-01T00:00:00\.000Z/ },
  ];
  for (const [i, c] of cases.entries()) {
    volume.write(c.set);
    t.match((await agent.waitForMsg(rejected, i + 1)).reason, c.reason, `${c.name}: the log line says why`);
    t.equal(await metric('istio_agent_cert_reloads_total{result="invalid"}'), i + 1, `${c.name}: counted as invalid`);
    t.same(await envoyCertSerials(agent.ports.admin), [leafSerial(setA())], `${c.name}: envoy still uses set A`);
    t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setA()) }, `${c.name}: and serves it`);
  }
  t.equal(await metric('istio_agent_sds_pushes_total'), pushes, 'nothing was pushed');
  t.notOk(agent.logs.some((l) => l.msg === 'certificates changed; pushing them to envoy over SDS'));

  volume.write(setB());
  await waitFor('/certs to show set B', async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setB())), 30_000);
  t.ok((await metric('istio_agent_sds_pushes_total')) > pushes, 'the valid set was pushed');
  t.equal(agent.envoyPids().length, 1, 'no new envoy process');
});
