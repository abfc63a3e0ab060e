// `pilot-agent bootstrap` with the seed's args and the injected environment prints the mutual-TLS bootstrap Istio 1.5
// rendered for them (istiod's port 15012), in Envoy 1.40's v3 names, and real Envoy's --mode validate accepts it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import t from 'tap';
import { kubeletExpand, runAgent, seedPodEnv, seedProxyArgs } from '../helpers/agent.js';
import { realEnvoyValidate } from '../helpers/real-envoy.js';

t.test('the seed\'s bootstrap speaks mutual TLS to istiod through SDS, and real Envoy validates it', async (t) => {
  const args = kubeletExpand(seedProxyArgs, seedPodEnv).map((a) => (a === 'proxy' ? 'bootstrap' : a));
  const r = await runAgent(args, seedPodEnv);
  t.equal(r.code, 0, r.stderr);
  const b = JSON.parse(r.stdout);
  const xds = b.static_resources.clusters.find((c: { name: string }) => c.name === 'xds-grpc');
  const tls = xds.transport_socket.typed_config.common_tls_context;
  t.same(tls.tls_certificate_sds_secret_configs.map((s: { name: string }) => s.name), ['default']);
  t.equal(tls.combined_validation_context.validation_context_sds_secret_config.name, 'ROOTCA');
  t.equal(tls.combined_validation_context.default_validation_context.match_typed_subject_alt_names[0].matcher.exact, 'istiod.istio-system.svc');
  t.equal(b.node.metadata.ISTIO_VERSION, '1.5.10', 'the emulated Istio version, never the package\'s 0.x');

  const dir = mkdtempSync(`${tmpdir()}/seed-bootstrap-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(`${dir}/envoy-rev0.json`, r.stdout);
  const verdict = await realEnvoyValidate(`${dir}/envoy-rev0.json`);
  t.ok(verdict.ok, verdict.output);
});
