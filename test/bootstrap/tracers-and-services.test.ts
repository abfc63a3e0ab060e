// The tracers and gRPC services Istio 1.5 rendered from pilot-agent flags, in Envoy v3 form: Datadog (and Zipkin)
// tracing, the metrics service (cluster + stats sink) and the access log service (cluster). LightStep and
// Stackdriver tracing cannot work on Envoy 1.40 and are errors. Real Envoy checks every shape in
// test/real-envoy/agent-bootstraps-validate.test.ts.
import t, { type Test } from 'tap';
import { loadEnvoyTypes, validateBootstrapText } from '../../tools/envoy-stub/src/envoy-api/index.js';
import { runAgent, seedPodEnv } from '../helpers/agent.js';

const types = await loadEnvoyTypes();
const cluster = (b: any, name: string): any => b.static_resources.clusters.find((c: { name: string }) => c.name === name);

async function bootstrap(t: Test, args: string[], env: Record<string, string> = {}): Promise<{ b: any; stderr: string }> {
  const r = await runAgent(['bootstrap', '--serviceCluster', 'reviews.default', ...args], { ...seedPodEnv, ...env });
  t.equal(r.code, 0, r.stderr);
  t.same(validateBootstrapText(types, r.stdout, { cliProvidesNode: true }).errors, [], 'envoy would accept it');
  return { b: JSON.parse(r.stdout), stderr: r.stderr };
}

async function refused(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await runAgent(['bootstrap', ...args], { ...seedPodEnv, ...env });
  if (r.code !== 2 || r.stdout !== '') throw new Error(`expected exit 2 and no bootstrap, got ${r.code}: ${r.stderr}`);
  return r.stderr;
}

t.test('--datadogAgentAddress: the datadog_agent cluster and the Datadog tracer named after the service cluster', async (t) => {
  const { b, stderr } = await bootstrap(t, ['--datadogAgentAddress', 'datadog-agent.kube-system:8126']);
  t.same(cluster(b, 'datadog_agent').load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address, { address: 'datadog-agent.kube-system', port_value: 8126 });
  t.equal(cluster(b, 'datadog_agent').type, 'STRICT_DNS');
  t.same(b.tracing.http, {
    name: 'envoy.tracers.datadog',
    typed_config: { '@type': 'type.googleapis.com/envoy.config.trace.v3.DatadogConfig', collector_cluster: 'datadog_agent', service_name: 'reviews.default' },
  });
  t.notOk(cluster(b, 'zipkin'));
  t.equal(stderr, '');
});

t.test('one tracer, in Istio 1.5\'s order; the others are named in a warning', async (t) => {
  const { b, stderr } = await bootstrap(t, ['--zipkinAddress', 'zipkin:9411', '--datadogAgentAddress', 'dd:8126'], { STACKDRIVER_TRACING_ENABLED: 'true' });
  t.equal(b.tracing.http.name, 'envoy.tracers.zipkin');
  t.notOk(cluster(b, 'datadog_agent'));
  t.equal(stderr,
    'warning: --datadogAgentAddress unused: --zipkinAddress takes precedence (Istio 1.5\'s order: lightstep, zipkin, datadog, stackdriver)\n'
    + 'warning: STACKDRIVER_TRACING_ENABLED unused: --zipkinAddress takes precedence (Istio 1.5\'s order: lightstep, zipkin, datadog, stackdriver)\n');
});

t.test('LightStep and Stackdriver tracing cannot work on Envoy 1.40: exit 2, never a bootstrap without tracing', async (t) => {
  t.match(await refused(['--lightstepAddress', 'lightstep-satellite:8080', '--zipkinAddress', 'zipkin:9411']),
    /^error: invalid value "lightstep-satellite:8080" for --lightstepAddress: Envoy 1\.40 has no LightStep tracer/);
  t.match(await refused([], { STACKDRIVER_TRACING_ENABLED: 'true' }), /STACKDRIVER_TRACING_ENABLED=true cannot work: .*OpenCensus/);
  t.match(await refused([], { STACKDRIVER_TRACING_ENABLED: 'yes' }), /invalid value "yes" for STACKDRIVER_TRACING_ENABLED/);
  const { b } = await bootstrap(t, [], { STACKDRIVER_TRACING_ENABLED: 'false' });
  t.equal(b.tracing, undefined);
});

t.test('--envoyMetricsService: an HTTP/2 cluster with its TLS and keepalive, and the metrics service sink first', async (t) => {
  const ms = { address: 'metrics-service.istio-system:15000', tlsSettings: { mode: 'MUTUAL', clientCertificate: '/etc/istio/ms/client.pem', privateKey: '/etc/istio/ms/key.pem', caCertificates: '/etc/istio/ms/ca.pem', subjectAltNames: ['spiffe://cluster.local/ns/istio-system/sa/ms'], sni: 'ms.example' }, tcpKeepalive: { probes: 3, time: '10s', interval: '5s' } };
  const { b } = await bootstrap(t, ['--envoyMetricsService', JSON.stringify(ms), '--statsdUdpAddress', '10.1.1.1:9125']);
  const c = cluster(b, 'envoy_metrics_service');
  t.same(c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address, { address: 'metrics-service.istio-system', port_value: 15000 });
  t.ok(c.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].explicit_http_config.http2_protocol_options);
  t.same(c.upstream_connection_options, { tcp_keepalive: { keepalive_probes: 3, keepalive_time: 10, keepalive_interval: 5 } });
  const tls = c.transport_socket.typed_config;
  t.equal(tls.sni, 'ms.example');
  t.same(tls.common_tls_context.tls_certificates, [{ certificate_chain: { filename: '/etc/istio/ms/client.pem' }, private_key: { filename: '/etc/istio/ms/key.pem' } }]);
  t.same(tls.common_tls_context.validation_context.trusted_ca, { filename: '/etc/istio/ms/ca.pem' });
  t.same(tls.common_tls_context.validation_context.match_typed_subject_alt_names.map((m: any) => m.san_type), ['DNS', 'URI']);
  t.same(b.stats_sinks.map((s: { name: string }) => s.name), ['envoy.stat_sinks.metrics_service', 'envoy.stat_sinks.statsd'], 'as 1.5 orders them');
  t.same(b.stats_sinks[0].typed_config.grpc_service, { envoy_grpc: { cluster_name: 'envoy_metrics_service' } });
});

t.test('--envoyAccessLogService: the envoy_accesslog_service cluster (mesh config points access logs at it); ISTIO_MUTUAL uses --certDir', async (t) => {
  const { b } = await bootstrap(t, ['--certDir', '/var/certs', '--envoyAccessLogService', '{"address":"accesslog-service:15000","tlsSettings":{"mode":"ISTIO_MUTUAL"}}']);
  const c = cluster(b, 'envoy_accesslog_service');
  t.equal(c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value, 15000);
  t.same(c.transport_socket.typed_config.common_tls_context.tls_certificates[0].certificate_chain, { filename: '/var/certs/cert-chain.pem' });
  t.equal(c.upstream_connection_options, undefined, 'no keepalive unless asked');
  t.same(b.stats_sinks, [], 'an access log service is no stats sink');
  const plain = (await bootstrap(t, ['--envoyAccessLogService', '{"address":"als:9000"}'])).b;
  t.equal(cluster(plain, 'envoy_accesslog_service').transport_socket, undefined, 'no TLS unless asked');
});

t.test('a RemoteService that cannot work is exit 2 naming the flag', async (t) => {
  t.match(await refused(['--envoyMetricsService', 'metrics:15000']), /for --envoyMetricsService: expected a RemoteService as JSON/);
  t.match(await refused(['--envoyMetricsService', '{"address":"metrics"}']), /for --envoyMetricsService address: expected host:port/);
  t.match(await refused(['--envoyAccessLogService', '{"address":"als:1","tlsSettings":{"mode":"MUTUAL"}}']), /--envoyAccessLogService: tlsSettings must be clientCertificate and privateKey with mode MUTUAL/);
  t.match(await refused(['--envoyAccessLogService', '{"address":"als:1","tlsSettings":{"mode":"SIMPLE","subjectAltNames":["a"]}}']), /caCertificates when subjectAltNames are given/);
  t.match(await refused(['--envoyMetricsService', '{"address":"m:1","tcpKeepalive":{"time":"1.5s"}}']), /tcpKeepalive\.time must be whole seconds/);
  t.match(await refused(['--envoyMetricsService', '{"address":"m:1","tls":{}}']), /unknown field "tls"/);
});

t.test('bootstrap warns about ignored compatibility flags with proxy\'s words', async (t) => {
  const { stderr } = await bootstrap(t, ['--stsPort', '15463', '--lightstepAccessToken', 'x']);
  t.equal(stderr, 'warning: flag accepted for compatibility and ignored (--stsPort)\nwarning: flag accepted for compatibility and ignored (--lightstepAccessToken)\n');
});
