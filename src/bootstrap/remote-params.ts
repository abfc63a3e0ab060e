import type { RemoteService, RemoteTls } from '../config/remote-service.js';
import type { Tracer } from '../config/tracer.js';
import type { TemplateParams } from './template.js';

// Template parameters for the tracer and the two gRPC services (metrics, access log): Istio 1.5's v2 shapes
// (envoy_bootstrap_v2.json) in Envoy's v3 API, which is all Envoy 1.40 reads.

/** zipkin_*, datadog_*, tracing and tracing_http (the whole `tracing.http` object). */
export function tracerParams(tracer: Tracer, serviceCluster: string): TemplateParams {
  const zipkin = tracer?.kind === 'zipkin' ? tracer.address : undefined;
  const datadog = tracer?.kind === 'datadog' ? tracer.address : undefined;
  return {
    zipkin: zipkin !== undefined,
    zipkin_host: zipkin?.host ?? '',
    zipkin_port: zipkin?.port ?? 0,
    datadog: datadog !== undefined,
    datadog_host: datadog?.host ?? '',
    datadog_port: datadog?.port ?? 0,
    tracing: tracer !== undefined,
    tracing_http: tracer === undefined ? {} : tracer.kind === 'zipkin' ? zipkinHttp : datadogHttp(serviceCluster),
  };
}

const zipkinHttp = {
  name: 'envoy.tracers.zipkin',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.config.trace.v3.ZipkinConfig',
    collector_cluster: 'zipkin',
    collector_endpoint: '/api/v2/spans',
    collector_endpoint_version: 'HTTP_JSON',
    trace_id_128bit: true,
    shared_span_context: false,
  },
};

function datadogHttp(serviceCluster: string): object {
  return {
    name: 'envoy.tracers.datadog',
    typed_config: { '@type': 'type.googleapis.com/envoy.config.trace.v3.DatadogConfig', collector_cluster: 'datadog_agent', service_name: serviceCluster },
  };
}

/** <prefix>, <prefix>_host, _port, _tls (an UpstreamTlsContext or {}), _tcp_keepalive (a TcpKeepalive or {}). */
export function remoteServiceParams(prefix: string, service: RemoteService | undefined): TemplateParams {
  return {
    [prefix]: service !== undefined,
    [`${prefix}_host`]: service?.address.host ?? '',
    [`${prefix}_port`]: service?.address.port ?? 0,
    [`${prefix}_tls`]: service?.tls ? upstreamTls(service.tls) : {},
    [`${prefix}_tcp_keepalive`]: service?.tcpKeepalive ? keepalive(service.tcpKeepalive) : {},
  };
}

function upstreamTls(tls: RemoteTls): object {
  const validation = {
    ...(tls.caCertificates ? { trusted_ca: { filename: tls.caCertificates } } : {}),
    // v2's verify_subject_alt_name matched a name of any type; v3 matchers name the type: DNS and URI cover both uses.
    ...(tls.subjectAltNames.length > 0
      ? { match_typed_subject_alt_names: tls.subjectAltNames.flatMap((san) => ['DNS', 'URI'].map((san_type) => ({ san_type, matcher: { exact: san } }))) }
      : {}),
  };
  return {
    '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
    common_tls_context: {
      alpn_protocols: ['h2'],
      ...(tls.mode === 'SIMPLE' ? {} : { tls_certificates: [{ certificate_chain: { filename: tls.clientCertificate }, private_key: { filename: tls.privateKey } }] }),
      ...(Object.keys(validation).length > 0 ? { validation_context: validation } : {}),
    },
    ...(tls.sni ? { sni: tls.sni } : {}),
  };
}

function keepalive(ka: NonNullable<RemoteService['tcpKeepalive']>): object {
  return {
    ...(ka.probes ? { keepalive_probes: ka.probes } : {}),
    ...(ka.timeSec ? { keepalive_time: ka.timeSec } : {}),
    ...(ka.intervalSec ? { keepalive_interval: ka.intervalSec } : {}),
  };
}
