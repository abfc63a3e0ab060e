// The seed pod's istio-proxy on real Envoy, its args untouched but for this machine's paths and ports: the discovery
// address istiod.istio-system.svc:15012 makes the agent speak mutual TLS to istiod (Istio 1.5's rule, whatever
// --controlPlaneAuthPolicy says), with the mounted certificates served over SDS. The xDS server checks the client's
// SPIFFE identity, and sees a rotated certificate after a reconnect while envoy stays at epoch 0.
import t from 'tap';
import { SecretVolume } from '../fixtures/certs/volume.js';
import { istiodHost, seedIdentity, startLocalIstiod } from '../helpers/local-istiod.js';
import { waitFor } from '../helpers/net.js';
import { startAgent } from '../helpers/running-agent.js';
import { envoyCertSerials, envoyEpoch, leafSerial } from '../helpers/sds-envoy.js';

t.test('the seed pod reaches istiod over mutual TLS with its mounted identity; a rotation changes the certificate istiod sees without a new epoch', async (t) => {
  const istiod = await startLocalIstiod(t);
  const { xds, pki } = istiod;
  const volume = new SecretVolume(`${istiod.work}/certs`);
  const first = pki.workload('first', seedIdentity);
  volume.write(first);
  const agent = await startAgent(t, istiod.agentOptions(volume.dir));

  await waitFor('ready over mutual TLS', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 60_000);
  const decided = agent.logs.find((l) => l.msg === 'control plane over mutual TLS');
  t.same(decided?.pilotSan, [istiodHost], 'the agent expects istiod\'s DNS name');
  t.match(decided?.why, /15012/, 'because of the port, the seed says NONE');
  const accepted = xds.handshakes().filter((h) => h.accepted);
  t.ok(accepted.length >= 1, 'the xDS server accepted a client certificate');
  t.same(accepted[0]!.uriSans, [seedIdentity], 'envoy presented the pod\'s SPIFFE identity');
  t.equal(accepted[0]!.serial.toLowerCase().replace(/^0+/, ''), leafSerial(first), 'the mounted certificate, delivered over SDS');
  t.equal(accepted[0]!.servername, '', 'no SNI, as Istio 1.5\'s bootstrap sent none');
  t.ok(xds.streams().some((s) => s.nodeId === 'sidecar~10.1.2.3~productpage-v1-abc.default~default.svc.cluster.local'), 'the seed pod\'s node opened the ADS stream');
  t.ok(xds.acks().length > 0, 'and ACKed the config');

  const second = pki.workload('second', seedIdentity);
  volume.write(second);
  await waitFor('envoy to hold the rotated certificate', async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(second)), 30_000);
  // An open connection keeps its TLS session: istiod sees the new certificate on the next one.
  const before = xds.handshakes().length;
  xds.dropConnections();
  await xds.waitFor('a handshake presenting the rotated certificate', (x) =>
    x.handshakes().slice(before).some((h) => h.accepted && h.serial.toLowerCase().replace(/^0+/, '') === leafSerial(second)), 30_000);
  t.equal(await envoyEpoch(agent.ports.admin), 0, 'no new epoch');
  t.equal(agent.logs.filter((l) => l.msg === 'envoy started').length, 1, 'one envoy process throughout');
  t.same(xds.handshakes().slice(before).filter((h) => !h.accepted), [], 'no handshake was refused across the rotation');
  t.equal((await agent.get('/healthz/ready')).status, 200, 'still ready');
});
