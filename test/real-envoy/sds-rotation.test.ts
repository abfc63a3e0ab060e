// Certificates over SDS on real Envoy: a TLS listener sent by the xDS server names SDS secret `default`; the agent
// serves it from --certDir over its SDS socket, and a kubelet `..data` swap reaches envoy's /certs and new TLS
// connections without a new epoch; with --certDelivery restart the same swap takes a hot restart.
import t from 'tap';
import { setA, setB } from '../fixtures/certs/pki.js';
import { waitFor } from '../helpers/net.js';
import { envoyCertSerials, envoyEpoch, httpsGet, leafSerial, startSdsAgent } from '../helpers/sds-envoy.js';

t.test('a ..data swap reaches envoy over SDS: /certs and new TLS connections show the new certificate, no new epoch', async (t) => {
  const { agent, volume, tlsPort } = await startSdsAgent(t, setA());
  t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setA()) }, 'the TLS listener serves set A from SDS');
  t.ok((await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setA())), '/certs shows set A');

  volume.write(setB());
  await waitFor('/certs to show set B', async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setB())), 30_000);
  t.notOk((await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setA())), 'set A is no longer in use');
  t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setB()) }, 'a new connection gets set B');
  t.ok(agent.logs.some((l) => l.msg === 'certificates changed; pushing them to envoy over SDS'), 'the rotation went over SDS');
  t.equal(agent.envoyPids().length, 1, 'no new envoy process');
  t.equal(await envoyEpoch(agent.ports.admin), 0, 'still epoch 0');
});

t.test('the same swap with --certDelivery restart: a hot restart, whose new epoch reads the files', async (t) => {
  const { agent, volume, tlsPort } = await startSdsAgent(t, setA(), { delivery: 'restart' });
  t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setA()) }, 'the TLS listener serves set A from the files');
  volume.write(setB());
  await agent.waitForMsg('hot restart complete: new epoch is LIVE', 1, 60_000);
  await waitFor('/certs to show set B', async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setB())), 30_000);
  t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setB()) }, 'a new connection gets set B');
  t.equal(agent.envoyPids().length, 2, 'a second envoy process');
  t.equal(await envoyEpoch(agent.ports.admin), 1, 'epoch 1');
  t.notOk(agent.logs.some((l) => l.msg === 'SDS server listening'), 'no SDS server');
});
