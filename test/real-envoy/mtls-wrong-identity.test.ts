// istiod refuses a proxy whose certificate names another workload: the seed pod, on real Envoy, mounting a
// certificate of the right mesh (same root) but another service account never gets config and never turns ready.
import t from 'tap';
import { SecretVolume } from '../fixtures/certs/volume.js';
import { seedIdentity, startLocalIstiod } from '../helpers/local-istiod.js';
import { request, waitFor } from '../helpers/net.js';
import { startAgent } from '../helpers/running-agent.js';

t.test('a client certificate with the wrong SPIFFE identity is refused: no xDS stream, envoy not ready', async (t) => {
  const istiod = await startLocalIstiod(t);
  const { xds, pki } = istiod;
  const volume = new SecretVolume(`${istiod.work}/certs`);
  const stranger = 'spiffe://cluster.local/ns/default/sa/someone-else';
  volume.write(pki.workload('stranger', stranger));
  const agent = await startAgent(t, istiod.agentOptions(volume.dir));

  // Envoy retries with back-off; two refusals show it is the certificate, not a race at start.
  await xds.waitFor('two refused handshakes', (x) => x.handshakes().filter((h) => !h.accepted).length >= 2, 60_000);
  const refused = xds.handshakes().filter((h) => !h.accepted);
  t.same(refused[0]!.uriSans, [stranger], 'envoy presented the mounted certificate');
  t.match(refused[0]!.reason, `is not ${seedIdentity}`, 'refused for its identity');
  t.same(xds.handshakes().filter((h) => h.accepted), [], 'no handshake was accepted');
  t.same(xds.streams(), [], 'no ADS stream was opened');
  t.equal((await agent.get('/healthz/ready')).status, 503, 'the pod is not ready');
  const envoyReady = await waitFor('envoy admin', () => request(`http://127.0.0.1:${agent.ports.admin}/ready`).catch(() => undefined), 30_000);
  t.not(envoyReady.body.trim(), 'LIVE', 'envoy is still initializing');
});
