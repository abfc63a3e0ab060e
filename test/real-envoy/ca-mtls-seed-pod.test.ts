// The seed pod's istio-proxy on real Envoy with nothing mounted but what kube-inject mounts by default: the projected
// token and istiod's root at the paths Istio 1.5 reads, and JWT_POLICY, PILOT_CERT_PROVIDER and CA_ADDR
// (istio-pilot.istio-system.svc:15012) in its environment. The agent's CA client gets the workload certificate from
// the local CA over TLS checked for istiod's name, serves it over SDS, and envoy reaches the local istiod over
// mutual TLS, which checks the pod's SPIFFE identity. A rotation then changes the certificate istiod sees, in one
// epoch.
import t from 'tap';
import { istiodHost, seedIdentity, startLocalIstiodWithCa } from '../helpers/local-istiod.js';
import { waitFor } from '../helpers/net.js';
import { startAgent } from '../helpers/running-agent.js';
import { envoyCertSerials, envoyEpoch, serial } from '../helpers/sds-envoy.js';

t.test('with no certificates mounted, the CA client\'s certificate brings the seed pod to ready over mutual TLS; a CA rotation changes the certificate istiod sees without a new epoch', async (t) => {
  const istiod = await startLocalIstiodWithCa(t);
  const { xds, ca } = istiod;
  // A rotation 4 s after each issue (0.75 of a 16 s lifetime left): soon enough to watch one, and each certificate
  // still has 12 s to live when the next arrives, so a slow push on a busy machine never presents an expired one.
  const agent = await startAgent(t, istiod.agentOptions({ SECRET_TTL: '16s', SECRET_GRACE_PERIOD_RATIO: '0.75' }));
  /** Serials of the certificates the CA signed, in order: "rotated" means signed after the one seen before. */
  const issued = (): string[] => ca.requests.filter((r) => r.serial !== undefined).map((r) => serial(r.serial!));

  await waitFor('ready over mutual TLS', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 60_000);
  const source = agent.logs.find((l) => l.msg === 'effective configuration')?.certSource as { kind?: string } | undefined;
  t.equal(source?.kind, 'ca', 'no files mounted and a token present: the CA client is the source');
  const started = agent.logs.find((l) => l.msg === 'workload certificates come from the CA');
  t.match(started, { ca: 'istio-pilot.istio-system.svc:15012', serverName: 'istio-pilot.istio-system.svc', root: './var/run/secrets/istio/root-cert.pem', token: './var/run/secrets/tokens/istio-token' },
    'kube-inject\'s CA_ADDR, checked for its own name, trusting the root and sending the token where 1.5 read them');
  const first = ca.requests.find((r) => r.answer === 'OK');
  t.equal(first?.authorization, `Bearer ${istiod.token}`, 'the projected token authenticated the CSR');
  t.same(first?.csrSans, [`url:${seedIdentity}`], 'the CSR asks for the pod\'s SPIFFE identity');
  t.equal(first?.validitySeconds, 16, 'for SECRET_TTL');

  const accepted = xds.handshakes().filter((h) => h.accepted);
  t.ok(accepted.length >= 1, 'the xDS server accepted a client certificate');
  t.same(accepted[0]!.uriSans, [seedIdentity], 'envoy presented the pod\'s SPIFFE identity');
  const seen = issued().indexOf(serial(accepted[0]!.serial));
  t.ok(seen >= 0, 'a certificate the CA issued, delivered over SDS');
  t.ok(xds.streams().some((s) => s.nodeId === 'sidecar~10.1.2.3~productpage-v1-abc.default~default.svc.cluster.local'), 'the seed pod\'s node opened the ADS stream');
  t.ok(xds.acks().length > 0, 'and ACKed the config');
  const decided = agent.logs.find((l) => l.msg === 'control plane over mutual TLS');
  t.same(decided?.pilotSan, [istiodHost], 'envoy expects istiod\'s DNS name');

  const rotated = (s: string): boolean => issued().indexOf(s) > seen;
  await waitFor('envoy to hold a rotated certificate', async () => (await envoyCertSerials(agent.ports.admin)).some(rotated), 30_000);
  // An open connection keeps its TLS session: istiod sees the new certificate on the next one.
  const before = xds.handshakes().length;
  xds.dropConnections();
  await xds.waitFor('a handshake presenting a rotated certificate', (x) =>
    x.handshakes().slice(before).some((h) => h.accepted && rotated(serial(h.serial))), 30_000);
  t.same(xds.handshakes().slice(before).filter((h) => !h.accepted), [], 'no handshake was refused across the rotation');
  t.equal(await envoyEpoch(agent.ports.admin), 0, 'no new epoch');
  t.equal(agent.logs.filter((l) => l.msg === 'envoy started').length, 1, 'one envoy process throughout');
  t.equal((await agent.get('/healthz/ready')).status, 200, 'still ready');
});
