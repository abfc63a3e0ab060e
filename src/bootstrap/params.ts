import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { toProtoDuration } from '../flags/duration.js';
import type { HostPort } from '../config/addresses.js';
import type { ProxyConfig } from '../config/proxy-config.js';
import { sanMatcher } from '../config/control-plane-auth.js';
import { podAnnotationsPath, readPodInfoFile } from '../config/downward-api.js';
import { remoteServiceParams, tracerParams } from './remote-params.js';
import { statsOptions } from './stats-options.js';
import type { TemplateParams } from './template.js';

export interface ParamsResult {
  readonly params: TemplateParams;
  /** Things worth a warning in the log (e.g. an unresolvable statsd host dropped). */
  readonly warnings: readonly string[];
}

/**
 * ProxyConfig → the parameters a bootstrap template may use. Every name here is documented in
 * bootstrap-templates/README.md; add there whatever you add here.
 */
export async function templateParams(config: ProxyConfig): Promise<ParamsResult> {
  const warnings: string[] = [...config.warnings];
  const statsd = config.statsdUdpAddress ? await resolveStatsd(config.statsdUdpAddress, warnings) : undefined;
  const pod = readPodInfoFile(podAnnotationsPath);
  if (pod.problem) warnings.push(pod.problem);
  const stats = statsOptions([pod.entries, config.metadata], config.ips);
  const params: TemplateParams = {
    node_id: config.nodeId,
    cluster: config.serviceCluster,
    metadata: config.metadata,
    locality: config.locality,
    localhost: config.ipv6 ? '::1' : '127.0.0.1',
    wildcard: config.ipv6 ? '::' : '0.0.0.0',
    dns_lookup_family: config.ipv6 ? 'V6_ONLY' : 'V4_ONLY',
    admin_port: config.proxyAdminPort,
    status_port: config.statusPort,
    envoy_status_port: config.envoyStatusPort,
    envoy_prometheus_port: config.envoyPrometheusPort,
    discovery_host: config.discoveryAddress.host,
    discovery_port: config.discoveryAddress.port,
    connect_timeout: toProtoDuration(config.connectTimeoutMs),
    dns_refresh_rate: toProtoDuration(config.dnsRefreshRateMs),
    mtls: config.controlPlaneAuthPolicy === 'MUTUAL_TLS',
    cert_chain: config.certFiles.certChain,
    key: config.certFiles.key,
    root_cert: config.certFiles.rootCert,
    sds: config.certDelivery === 'sds',
    sds_socket: config.sdsSocketPath,
    sds_config: sdsConfigSource,
    pilot_san: config.pilotSan,
    pilot_san_matchers: config.pilotSan.map(sanMatcher),
    ...tracerParams(config.tracer, config.serviceCluster),
    ...remoteServiceParams('envoy_metrics_service', config.envoyMetricsService),
    ...remoteServiceParams('envoy_accesslog_service', config.envoyAccessLogService),
    statsd: statsd !== undefined,
    statsd_host: statsd?.host ?? '',
    statsd_port: statsd?.port ?? 0,
    outlier_log_path: config.outlierLogPath,
    stats_inclusion_prefixes: stats.prefixes,
    stats_inclusion_suffixes: stats.suffixes,
    stats_inclusion_regexps: stats.regexps,
    extra_stat_tags: stats.extraTags,
  };
  return { params, warnings };
}

/** Where an SdsSecretConfig fetches its secret: the agent's SDS server, through the bootstrap's sds-grpc cluster. */
export const sdsConfigSource = Object.freeze({
  api_config_source: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }] },
  resource_api_version: 'V3',
});

// Envoy's statsd sink needs an IP literal; Istio resolves the name once at start and drops the sink if it cannot.
async function resolveStatsd(addr: HostPort, warnings: string[]): Promise<HostPort | undefined> {
  if (isIP(addr.host) !== 0) return addr;
  try {
    const { address } = await lookup(addr.host);
    return { host: address, port: addr.port };
  } catch (e) {
    warnings.push(`statsd address ${addr.host}:${addr.port} does not resolve (${(e as Error).message}); statsd sink dropped`);
    return undefined;
  }
}
