import type { FlagSpec } from '../flags/flag-spec.js';

// Every flag of `pilot-agent proxy` (and `pilot-agent bootstrap`, which shares them).
// Names and defaults follow Istio 1.5's pilot-agent, so injected pod specs work unchanged.
export const proxyFlags: readonly FlagSpec[] = [
  { name: 'domain', type: 'string', default: '', help: 'DNS domain suffix; empty means <POD_NAMESPACE>.svc.cluster.local (Kubernetes) or service.consul (Consul)' },
  { name: 'configPath', type: 'string', default: '/etc/istio/proxy', help: 'directory for the generated bootstrap files envoy-rev<epoch>.json (created if missing)' },
  { name: 'binaryPath', type: 'string', default: '/usr/local/bin/envoy', help: 'path to the envoy binary (must exist and be executable for `proxy`)' },
  { name: 'serviceCluster', type: 'string', default: 'istio-proxy', help: 'envoy --service-cluster and node.cluster' },
  { name: 'drainDuration', type: 'duration', default: '45s', help: 'envoy --drain-time-s: how long envoy drains connections on hot restart and shutdown (whole seconds, < 1h)' },
  { name: 'parentShutdownDuration', type: 'duration', default: '1m0s', help: 'envoy --parent-shutdown-time-s: when the old epoch is terminated after a hot restart (whole seconds, > drainDuration, < 1h)' },
  { name: 'discoveryAddress', type: 'string', default: 'istio-pilot:15010', help: 'xDS server host:port (the xds-grpc cluster)' },
  { name: 'zipkinAddress', type: 'string', default: '', help: 'zipkin collector host:port; empty disables tracing (tracer precedence as in Istio 1.5: lightstep, zipkin, datadog, STACKDRIVER_TRACING_ENABLED)' },
  { name: 'datadogAgentAddress', type: 'string', default: '', help: 'Datadog agent host:port for the Datadog tracer (used when --zipkinAddress is empty)' },
  { name: 'lightstepAddress', type: 'string', default: '', help: 'LightStep satellite host:port; an error: Envoy 1.40 has no LightStep tracer' },
  { name: 'envoyMetricsService', type: 'string', default: '', help: 'Envoy gRPC metrics service as a RemoteService JSON, e.g. {"address":"host:port","tlsSettings":{"mode":"SIMPLE","caCertificates":"/etc/ms/ca.pem"},"tcpKeepalive":{"time":"10s"}}' },
  { name: 'envoyAccessLogService', type: 'string', default: '', help: 'Envoy gRPC access log service as a RemoteService JSON (a cluster named envoy_accesslog_service, for mesh config to use)' },
  { name: 'proxyLogLevel', type: 'string', default: 'warning', help: 'envoy -l level (trace|debug|info|warning|error|critical|off); may carry component levels, e.g. info,misc:error' },
  { name: 'proxyComponentLogLevel', type: 'string', default: 'misc:error', help: 'envoy --component-log-level, e.g. misc:error,upstream:debug' },
  { name: 'connectTimeout', type: 'duration', default: '1s', help: 'connect_timeout of the bootstrap clusters (1ms to 30s)' },
  { name: 'proxyAdminPort', type: 'port', default: '15000', help: 'envoy admin port (bound on localhost)' },
  { name: 'concurrency', type: 'uint', default: '0', help: 'envoy --concurrency (worker threads); 0 lets envoy decide and is not passed' },
  { name: 'controlPlaneAuthPolicy', type: 'string', default: 'NONE', choices: ['NONE', 'MUTUAL_TLS'], help: 'NONE or MUTUAL_TLS (TLS to the xDS server with the certificates of --certDir); port 15012 forces MUTUAL_TLS' },
  { name: 'dnsRefreshRate', type: 'duration', default: '300s', help: 'dns_refresh_rate of the STRICT_DNS bootstrap clusters' },
  { name: 'statusPort', type: 'port', default: '15020', help: 'port of the agent status server (readiness, metrics); envoy\'s health listener routes to it' },
  { name: 'statusListenAddress', type: 'string', default: '', help: 'address the status server listens on; empty means every interface (kubelet probes the pod IP)' },
  { name: 'trust-domain', type: 'string', default: '', help: 'SPIFFE trust domain; empty means cluster.local on Kubernetes' },
  { name: 'controlPlaneBootstrap', type: 'bool', default: 'true', help: 'accepted for compatibility with Istio 1.5 injectors (which pass false); bootstrap generation is the same either way' },
  { name: 'ip', type: 'string', default: '', help: 'proxy IP; overrides INSTANCE_IP' },
  { name: 'id', type: 'string', default: '', help: 'proxy id; default <POD_NAME>.<POD_NAMESPACE> (Kubernetes), <ip>.service.consul (Consul), <ip> (other)' },
  { name: 'customConfigFile', type: 'string', default: '', help: 'use this envoy config file as-is instead of generating one' },
  { name: 'templateFile', type: 'string', default: '', help: 'bootstrap template to render (ISTIO_BOOTSTRAP overrides it); see bootstrap-templates/README.md' },
  { name: 'statsdUdpAddress', type: 'string', default: '', help: 'statsd sink host:port (hostname resolved at start; unresolvable → sink dropped with a warning)' },
  { name: 'outlierLogPath', type: 'string', default: '', help: 'file for envoy\'s outlier detection event log' },
  { name: 'serviceregistry', type: 'string', default: 'Kubernetes', choices: ['Kubernetes', 'Consul', 'Mock'], help: 'platform: Kubernetes, Consul or Mock; shapes the default id and domain' },
  { name: 'baseId', type: 'uint', default: '0', help: 'envoy --base-id for hot restart shared state; two agents on one host need distinct ids' },
  { name: 'certDelivery', type: 'string', default: 'sds', choices: ['sds', 'restart'], help: 'how envoy gets new certificates: sds (pushed over the SDS socket <configPath>/SDS, no restart) or restart (files in the bootstrap, hot restart on change)' },
  { name: 'certDir', type: 'string', default: '/etc/certs', help: 'directory of cert-chain.pem, key.pem and root-cert.pem' },
  { name: 'log_output_level', type: 'string', default: 'default:info', help: 'agent log level, Istio syntax: info, or default:info,scope:debug (debug|info|warn|error|none)' },
  { name: 'log_as_json', type: 'bool', default: 'false', help: 'accepted for compatibility: agent logs are always JSON (use pino-pretty to read them)' },
  // Istio 1.5 flags that this agent has no use for: accepted so old pod specs keep working.
  // (--lightstepAccessToken/Secure/CacertPath only matter with --lightstepAddress, itself an error on Envoy 1.40.)
  ...['stsPort', 'tokenManagerPlugin', 'pilotIdentity', 'mixerIdentity', 'lightstepAccessToken',
    'lightstepCacertPath', 'log_target', 'log_caller', 'log_stacktrace_level'].map(
    (name): FlagSpec => ({ name, type: 'string', default: '', help: 'accepted for compatibility with Istio 1.5; ignored', ignored: true }),
  ),
  ...['lightstepSecure', 'disableInternalTelemetry'].map(
    (name): FlagSpec => ({ name, type: 'bool', default: 'false', help: 'accepted for compatibility with Istio 1.5; ignored', ignored: true }),
  ),
];
