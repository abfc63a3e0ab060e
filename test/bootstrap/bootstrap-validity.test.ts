import { readFileSync, writeFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { generateBootstrap } from '../../src/bootstrap/generate.js';
import { parseArgs } from '../../src/flags/parse-args.js';
import { proxyFlags } from '../../src/config/proxy-flags.js';
import { buildProxyConfig } from '../../src/config/build.js';
import { readEnv } from '../../src/config/env.js';
import { loadEnvoyTypes, validateBootstrapText } from '../../tools/envoy-stub/src/envoy-api/index.js';
import { kubeletExpand, repoRoot, runAgent, seedPodEnv, seedProxyArgs } from '../helpers/agent.js';

const goldenPath = `${repoRoot}test/fixtures/bootstrap/seed_golden.json`;
const types = await loadEnvoyTypes();

/** Validate as Envoy loads it: strict, with --service-node/--service-cluster on the command line. */
function assertEnvoyAccepts(t: Test, json: string, what: string): void {
  const result = validateBootstrapText(types, json, { cliProvidesNode: true });
  t.same(result.errors, [], `${what}: envoy would accept it`);
  t.ok(result.ok, what);
}

/** Machine-dependent values (interface IPs) are replaced before comparing with the golden file. */
function normalize(json: string): unknown {
  const b = JSON.parse(json) as { node: { metadata: Record<string, unknown> } };
  const ips = String(b.node.metadata.INSTANCE_IPS);
  b.node.metadata.INSTANCE_IPS = ips.split(',')[0] + ',<interface addresses>';
  return b;
}

const seedArgs = kubeletExpand(seedProxyArgs, seedPodEnv).map((a) => (a === 'proxy' ? 'bootstrap' : a));

t.test('the seed arguments yield the golden bootstrap, and envoy accepts it', async (t) => {
  const r = await runAgent(seedArgs, seedPodEnv);
  t.equal(r.code, 0, r.stderr);
  assertEnvoyAccepts(t, r.stdout, 'seed bootstrap');
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath, `${JSON.stringify(normalize(r.stdout), null, 2)}\n`);
  t.same(normalize(r.stdout), JSON.parse(readFileSync(goldenPath, 'utf8')), 'matches test/fixtures/bootstrap/seed_golden.json');

  const b = JSON.parse(r.stdout);
  t.equal(b.node.id, 'sidecar~10.1.2.3~productpage-v1-abc.default~default.svc.cluster.local');
  t.equal(b.node.cluster, 'productpage.default');
  t.match(b.node.metadata, { NAME: 'productpage-v1-abc', NAMESPACE: 'default', SERVICE_ACCOUNT: 'bookinfo-productpage', LABELS: { app: 'productpage', version: 'v1' }, INTERCEPTION_MODE: 'REDIRECT', WORKLOAD_NAME: 'productpage-v1', app: 'productpage' });
  t.same(b.admin.address.socket_address, { protocol: 'TCP', address: '127.0.0.1', port_value: 15000 });
  const xds = b.static_resources.clusters.find((c: { name: string }) => c.name === 'xds-grpc');
  t.equal(xds.type, 'STRICT_DNS');
  t.equal(xds.connect_timeout, '10s');
  t.equal(xds.dns_refresh_rate, '300s');
  t.same(xds.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address, { address: 'istiod.istio-system.svc', port_value: 15012 });
  // Port 15012 is istiod's TLS port: Istio 1.5 speaks mutual TLS there even though the seed passes NONE.
  const tls = xds.transport_socket.typed_config;
  t.equal(tls['@type'], 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext');
  t.same(tls.common_tls_context.alpn_protocols, ['h2'], 'gRPC over TLS negotiates h2');
  t.same(tls.common_tls_context.tls_certificate_sds_secret_configs.map((c: { name: string }) => c.name), ['default'], 'the client certificate is SDS secret default');
  t.equal(tls.common_tls_context.combined_validation_context.validation_context_sds_secret_config.name, 'ROOTCA', 'istiod is verified against SDS secret ROOTCA');
  t.same(tls.common_tls_context.combined_validation_context.default_validation_context.match_typed_subject_alt_names,
    [{ san_type: 'DNS', matcher: { exact: 'istiod.istio-system.svc' } }], 'whose certificate must name istiod');
  t.equal(tls.sni, undefined, 'no SNI, as in Istio 1.5');
  t.ok(b.static_resources.clusters.some((c: { name: string }) => c.name === 'sds-grpc'), 'the sds-grpc cluster over the agent\'s socket');
  t.match(b.node.metadata, { SDS: 'true', TRUSTJWT: 'true', ISTIO_VERSION: '1.5.10' }, 'istiod 1.5 reads SDS (send SDS-based TLS), TRUSTJWT set with it as 1.5 did, and the emulated version');
  const agent = b.static_resources.clusters.find((c: { name: string }) => c.name === 'agent');
  t.equal(agent.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value, 15020);
  const ports = b.static_resources.listeners.map((l: { address: { socket_address: { port_value: number } } }) => l.address.socket_address.port_value);
  t.same(ports, [15090, 15021]);
  t.equal(b.tracing.http.typed_config.collector_cluster, 'zipkin');
});

const shapes: { name: string; args: string[]; env?: Record<string, string>; check: (b: any) => boolean }[] = [
  { name: 'defaults (no tracing, NONE)', args: ['bootstrap'], check: (b) => b.tracing === undefined && b.stats_sinks.length === 0 },
  { name: 'MUTUAL_TLS to the control plane, certificates over SDS (the default delivery)', args: ['bootstrap', '--controlPlaneAuthPolicy', 'MUTUAL_TLS', '--discoveryAddress', 'istiod.istio-system.svc:15012'],
    check: (b) => {
      const tls = b.static_resources.clusters.find((c: { name: string }) => c.name === 'xds-grpc').transport_socket.typed_config.common_tls_context;
      const sds = b.static_resources.clusters.find((c: { name: string }) => c.name === 'sds-grpc');
      return tls.tls_certificates.length === 0 && tls.validation_context === undefined
        && tls.tls_certificate_sds_secret_configs[0].name === 'default'
        && tls.tls_certificate_sds_secret_configs[0].sds_config.api_config_source.grpc_services[0].envoy_grpc.cluster_name === 'sds-grpc'
        && tls.combined_validation_context.validation_context_sds_secret_config.name === 'ROOTCA'
        && tls.combined_validation_context.default_validation_context.match_typed_subject_alt_names[0].matcher.exact === 'spiffe://cluster.local/ns/istio-system/sa/istio-pilot-service-account'
        && sds.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.pipe.path === '/etc/istio/proxy/SDS'
        && b.node.metadata.SDS === 'true' && b.node.metadata.TRUSTJWT === 'true';
    } },
  { name: 'MUTUAL_TLS to the control plane, certificates from files (restart delivery)', args: ['bootstrap', '--controlPlaneAuthPolicy', 'MUTUAL_TLS', '--discoveryAddress', 'istiod.istio-system.svc:15012', '--certDir', '/var/certs', '--certDelivery', 'restart'],
    check: (b) => {
      if (b.static_resources.clusters.some((c: { name: string }) => c.name === 'sds-grpc') || b.node.metadata.SDS !== undefined || b.node.metadata.TRUSTJWT !== undefined) return false;
      const tls = b.static_resources.clusters.find((c: { name: string }) => c.name === 'xds-grpc').transport_socket.typed_config.common_tls_context;
      return tls.tls_certificates[0].certificate_chain.filename === '/var/certs/cert-chain.pem'
        && tls.validation_context.match_typed_subject_alt_names[0].matcher.exact === 'spiffe://cluster.local/ns/istio-system/sa/istio-pilot-service-account';
    } },
  { name: 'a statsd sink', args: ['bootstrap', '--statsdUdpAddress', '10.1.1.1:9125'], check: (b) => b.stats_sinks[0].typed_config.address.socket_address.port_value === 9125 },
  { name: 'an unresolvable statsd host is dropped', args: ['bootstrap', '--statsdUdpAddress', 'statsd.invalid:9125'], check: (b) => b.stats_sinks.length === 0 },
  { name: 'an outlier log path', args: ['bootstrap', '--outlierLogPath', '/dev/stdout'], check: (b) => b.cluster_manager.outlier_detection.event_log_path === '/dev/stdout' },
  { name: 'a router', args: ['bootstrap', 'router', '--serviceregistry', 'Mock', '--ip', '10.9.9.9'], check: (b) => b.node.id === 'router~10.9.9.9~10.9.9.9~' },
  { name: 'a Consul proxy', args: ['bootstrap', '--serviceregistry', 'Consul', '--ip', '10.9.9.9'], check: (b) => b.node.id === 'sidecar~10.9.9.9~10.9.9.9.service.consul~service.consul' },
  { name: 'custom status and prometheus ports', args: ['bootstrap'], env: { ENVOY_STATUS_PORT: '25021', ENVOY_PROMETHEUS_PORT: '25090' },
    check: (b) => b.static_resources.listeners[1].address.socket_address.port_value === 25021 && b.node.metadata.ENVOY_PROMETHEUS_PORT === 25090 },
  { name: 'a locality label', args: ['bootstrap'], env: { ISTIO_METAJSON_LABELS: '{"istio-locality":"us-east1.us-east1-b.rack7"}' },
    check: (b) => b.node.locality.region === 'us-east1' && b.node.locality.sub_zone === 'rack7' },
];

for (const s of shapes) {
  t.test(`envoy accepts the bootstrap for ${s.name}`, async (t) => {
    const r = await runAgent(s.args, { ...seedPodEnv, ...s.env });
    t.equal(r.code, 0, r.stderr);
    assertEnvoyAccepts(t, r.stdout, s.name);
    t.ok(s.check(JSON.parse(r.stdout)), 'shape');
  });
}

t.test('envoy accepts an IPv6-only bootstrap', async (t) => {
  const parsed = parseArgs(['--ip', 'fd00::5'], proxyFlags);
  const config = buildProxyConfig('sidecar', parsed.values, readEnv(seedPodEnv), { requireBinary: false });
  const generated = await generateBootstrap({ ...config, ipv6: true });
  assertEnvoyAccepts(t, generated.json, 'ipv6');
  const b = JSON.parse(generated.json);
  t.equal(b.admin.address.socket_address.address, '::1');
  t.equal(b.static_resources.listeners[0].address.socket_address.address, '::');
});

t.test('--templateFile and ISTIO_BOOTSTRAP select another template; ISTIO_BOOTSTRAP wins', async (t) => {
  const dir = t.testdir({
    'a.json': JSON.stringify({ node: { id: '{{node_id}}', cluster: 'a' }, admin: { address: { socket_address: { address: '{{localhost}}', port_value: '{{admin_port}}' } } } }),
    'b.json': JSON.stringify({ node: { id: '{{node_id}}', cluster: 'b' }, admin: { address: { socket_address: { address: '{{localhost}}', port_value: '{{admin_port}}' } } } }),
  });
  const a = await runAgent(['bootstrap', '--templateFile', `${dir}/a.json`], seedPodEnv);
  t.equal(JSON.parse(a.stdout).node.cluster, 'a');
  const b = await runAgent(['bootstrap', '--templateFile', `${dir}/a.json`], { ...seedPodEnv, ISTIO_BOOTSTRAP: `${dir}/b.json` });
  t.equal(JSON.parse(b.stdout).node.cluster, 'b');
  assertEnvoyAccepts(t, b.stdout, 'custom template');
});

t.test('a template that is not JSON or names an unknown parameter exits 2 with one line', async (t) => {
  const dir = t.testdir({ 'go.tmpl': '{ "node": {{ .nodeID }} }', 'unknown.json': '{"node":{"id":"{{nodeID}}"}}' });
  const go = await runAgent(['bootstrap', '--templateFile', `${dir}/go.tmpl`], seedPodEnv);
  t.equal(go.code, 2);
  t.match(go.stderr, /go\.tmpl is not JSON .* see bootstrap-templates\/README\.md\n$/);
  const unknown = await runAgent(['bootstrap', '--templateFile', `${dir}/unknown.json`], seedPodEnv);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /at node\.id: unknown parameter "nodeID"/);
});

t.test('--customConfigFile is used as-is', async (t) => {
  const dir = t.testdir({ 'envoy.json': '{"admin":{}}\n' });
  const r = await runAgent(['bootstrap', '--customConfigFile', `${dir}/envoy.json`], seedPodEnv);
  t.equal(r.stdout, '{"admin":{}}\n');
});

t.test('the strict validator would catch a broken template', async (t) => {
  const r = await runAgent(seedArgs, seedPodEnv);
  const b = JSON.parse(r.stdout);
  b.admin.adress = b.admin.address;
  const result = validateBootstrapText(types, JSON.stringify(b), { cliProvidesNode: true });
  t.notOk(result.ok, 'an unknown field fails');
  t.ok(result.errors.some((e) => e.path.includes('adress')));
});
