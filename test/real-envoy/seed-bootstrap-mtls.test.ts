// `pilot-agent bootstrap` with the seed's args and the injected environment prints the mutual-TLS bootstrap Istio 1.5
// rendered for them (istiod's port 15012), in Envoy 1.40's v3 names, and real Envoy's --mode validate accepts it.
// The pod is the CA client's (kube-inject's JWT_POLICY, PILOT_CERT_PROVIDER, CA_ADDR; the token and istiod's root
// at the paths 1.5 reads; nothing in /etc/certs), and the bootstrap is the same one a pod without the token prints:
// both certificate sources reach envoy through the same SDS secrets.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import t from 'tap';
import { injectedCaEnv, kubeletExpand, runAgent, seedPodEnv, seedProxyArgs } from '../helpers/agent.js';
import { realEnvoyValidate } from '../helpers/real-envoy.js';

t.test('the seed\'s bootstrap for the CA client\'s pod speaks mutual TLS to istiod through SDS, and real Envoy validates it', async (t) => {
  const dir = mkdtempSync(`${tmpdir()}/seed-bootstrap-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The container's /: the projected token and istiod's root where kube-inject mounts them.
  const podRoot = `${dir}/pod`;
  mkdirSync(`${podRoot}/var/run/secrets/tokens`, { recursive: true });
  mkdirSync(`${podRoot}/var/run/secrets/istio`, { recursive: true });
  // The bootstrap reads neither file: it is the same whatever they hold.
  writeFileSync(`${podRoot}/var/run/secrets/tokens/istio-token`, 'a projected token');
  writeFileSync(`${podRoot}/var/run/secrets/istio/root-cert.pem`, '');
  const args = kubeletExpand(seedProxyArgs, seedPodEnv).map((a) => (a === 'proxy' ? 'bootstrap' : a));
  const r = await runAgent(args, { ...seedPodEnv, ...injectedCaEnv }, { cwd: podRoot });
  t.equal(r.code, 0, r.stderr);
  const b = JSON.parse(r.stdout);
  const xds = b.static_resources.clusters.find((c: { name: string }) => c.name === 'xds-grpc');
  const tls = xds.transport_socket.typed_config.common_tls_context;
  t.same(tls.tls_certificate_sds_secret_configs.map((s: { name: string }) => s.name), ['default']);
  t.equal(tls.combined_validation_context.validation_context_sds_secret_config.name, 'ROOTCA');
  t.equal(tls.combined_validation_context.default_validation_context.match_typed_subject_alt_names[0].matcher.exact, 'istiod.istio-system.svc');
  t.match(b.node.metadata, { SDS: 'true', TRUSTJWT: 'true' }, 'the metadata istiod 1.5 reads for a proxy its agent serves over SDS');
  t.equal(b.node.metadata.ISTIO_VERSION, '1.5.10', 'the emulated Istio version, never the package\'s 0.x');

  const withoutToken = await runAgent(args, seedPodEnv, { cwd: dir });
  t.equal(withoutToken.code, 0, withoutToken.stderr);
  t.equal(withoutToken.stdout, r.stdout, 'the same bootstrap as a pod without the CA client\'s token');

  writeFileSync(`${dir}/envoy-rev0.json`, r.stdout);
  const verdict = await realEnvoyValidate(`${dir}/envoy-rev0.json`);
  t.ok(verdict.ok, verdict.output);
});
