import { accessSync, constants, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatGoDuration } from '../flags/duration.js';
import type { FlagValues } from '../flags/flag-spec.js';
import { flagError } from '../errors/index.js';
import { checkDirectoryCreatable } from '../fs/directory.js';
import { istioVersion } from '../version.js';
import { allIpv6, instanceIps, parseHostPort } from './addresses.js';
import { parseAppMetrics } from './app-metrics.js';
import { parseProbeTable } from './app-probes.js';
import type { AgentEnv } from './env.js';
import { agentLogLevel, envoyLogLevels } from './log-levels.js';
import { podLabelsPath, readPodInfoFile } from './downward-api.js';
import { nodeIdentity } from './metadata.js';
import { parseRemoteService, type RemoteService } from './remote-service.js';
import { chooseTracer } from './tracer.js';
import { checkDomain, checkNamespace, checkNodePart, checkPodName } from './node-names.js';
import { checkDistinctPorts } from './ports.js';
import { checkControlPlaneCredentials, controlPlaneAuth } from './control-plane-auth.js';
import type { AuthPolicy, CertDelivery, ProxyConfig, Role } from './proxy-config.js';

export const defaultTemplateFile = fileURLToPath(new URL('../../bootstrap-templates/envoy_bootstrap.json', import.meta.url));

export interface BuildOptions {
  /** `proxy` needs a runnable envoy and a writable --configPath; `bootstrap` only prints and needs neither. */
  readonly requireBinary: boolean;
}

/**
 * Envoy takes --concurrency as a uint32 and starts one worker thread (event loop, listener copies,
 * connection pools) per unit; Istio sets it to the pod's CPU limit. No node has more than ~1000
 * hardware threads, so a larger value is a typo whose only effect is memory and thread exhaustion.
 */
export const maxConcurrency = 1024;

const hourMs = 3_600_000;
const fmt = formatGoDuration;

/** Flags + environment → one validated, frozen ProxyConfig, or an AgentError naming the bad input. */
export function buildProxyConfig(role: string, flags: FlagValues, env: AgentEnv, opts: BuildOptions): ProxyConfig {
  if (role !== 'sidecar' && role !== 'router') throw flagError('role', role, 'expected sidecar or router');
  const str = (name: string): string => flags[name] as string;
  const num = (name: string): number => flags[name] as number;

  for (const name of ['configPath', 'binaryPath', 'serviceCluster']) {
    if (str(name) === '') throw flagError(`--${name}`, '', 'expected a non-empty value');
  }
  checkNodePart('--serviceCluster', str('serviceCluster'));
  if (str('id') !== '') checkNodePart('--id', str('id'));
  checkDomain('--domain', str('domain'));
  checkPodName(env.podName);
  checkNamespace(env.podNamespace);
  if (num('concurrency') > maxConcurrency) {
    throw flagError('--concurrency', String(num('concurrency')), `expected a number of envoy worker threads from 0 (envoy decides) to ${maxConcurrency}`);
  }
  checkDistinctPorts([
    { name: '--statusPort', port: num('statusPort') },
    { name: '--proxyAdminPort', port: num('proxyAdminPort') },
    { name: 'ENVOY_STATUS_PORT', port: env.envoyStatusPort },
    { name: 'ENVOY_PROMETHEUS_PORT', port: env.envoyPrometheusPort },
  ]);
  const drain = num('drainDuration');
  const parent = num('parentShutdownDuration');
  checkEnvoySeconds('--drainDuration', drain);
  checkEnvoySeconds('--parentShutdownDuration', parent);
  if (parent <= drain) {
    throw flagError('--parentShutdownDuration', fmt(parent), `expected longer than --drainDuration (${fmt(drain)})`);
  }
  const connectTimeout = num('connectTimeout');
  if (connectTimeout < 1 || connectTimeout > 30_000) throw flagError('--connectTimeout', fmt(connectTimeout), 'expected a duration from 1ms to 30s');
  const dnsRefresh = num('dnsRefreshRate');
  if (dnsRefresh < 1) throw flagError('--dnsRefreshRate', fmt(dnsRefresh), 'expected a positive duration');

  const discoveryAddress = parseHostPort('--discoveryAddress', str('discoveryAddress'));
  const tracing = chooseTracer({
    lightstepAddress: str('lightstepAddress'),
    zipkinAddress: str('zipkinAddress'),
    datadogAgentAddress: str('datadogAgentAddress'),
    stackdriverEnabled: env.stackdriverTracingEnabled,
  });
  const statsdUdpAddress = str('statsdUdpAddress') ? parseHostPort('--statsdUdpAddress', str('statsdUdpAddress')) : undefined;
  const logs = envoyLogLevels(str('proxyLogLevel'), str('proxyComponentLogLevel'));
  if (num('baseId') > 429_496_729) throw flagError('--baseId', String(num('baseId')), 'expected at most 429496729 (envoy multiplies it by 10)');
  if (opts.requireBinary) checkExecutable(str('binaryPath'));
  if (str('customConfigFile')) checkReadable('--customConfigFile', str('customConfigFile'));

  const ips = instanceIps({ flag: str('ip') ? '--ip' : 'INSTANCE_IP', value: str('ip') || env.instanceIp });
  const registry = str('serviceregistry');
  const podNamespace = env.podNamespace || 'default';
  const id = str('id') || defaultId(registry, ips[0]!, env.podName || hostname(), podNamespace);
  const domain = str('domain') || defaultDomain(registry, podNamespace);
  const appPorts = [num('statusPort'), num('proxyAdminPort'), env.envoyStatusPort, env.envoyPrometheusPort];
  const trustDomain = str('trust-domain') || 'cluster.local';
  const podLabels = readPodInfoFile(podLabelsPath);
  const identity = nodeIdentity(env, ips, istioVersion, podLabels.entries);
  const auth = controlPlaneAuth(str('controlPlaneAuthPolicy') as AuthPolicy, discoveryAddress, trustDomain, env.istioNamespace);
  const certDir = str('certDir');
  const certFiles = Object.freeze({
    certChain: env.meta.TLS_CLIENT_CERT_CHAIN || `${certDir}/cert-chain.pem`,
    key: env.meta.TLS_CLIENT_KEY || `${certDir}/key.pem`,
    rootCert: env.meta.TLS_CLIENT_ROOT_CERT || `${certDir}/root-cert.pem`,
  });
  if (opts.requireBinary) checkControlPlaneCredentials(auth, discoveryAddress, env.jwtPolicy, env.caTokenFile, certFiles.key);
  const remote = (flag: string): RemoteService | undefined => (str(flag) ? parseRemoteService(`--${flag}`, str(flag), certDir) : undefined);
  const certDelivery = str('certDelivery') as CertDelivery;
  const sdsSocketPath = `${str('configPath').replace(/\/+$/, '')}/SDS`;
  if (certDelivery === 'sds') checkSocketPath(sdsSocketPath);

  const config: ProxyConfig = Object.freeze({
    role: role as Role,
    id,
    domain,
    ips: Object.freeze(ips),
    ipv6: allIpv6(ips),
    nodeId: [role, ips[0], id, domain].join('~'),
    trustDomain,
    serviceregistry: registry,
    configPath: str('configPath'),
    binaryPath: str('binaryPath'),
    serviceCluster: str('serviceCluster'),
    drainDurationMs: drain,
    parentShutdownDurationMs: parent,
    discoveryAddress,
    tracer: tracing.tracer,
    envoyMetricsService: remote('envoyMetricsService'),
    envoyAccessLogService: remote('envoyAccessLogService'),
    warnings: Object.freeze([...(podLabels.problem ? [podLabels.problem] : []), ...tracing.unused]),
    statsdUdpAddress,
    connectTimeoutMs: connectTimeout,
    dnsRefreshRateMs: dnsRefresh,
    proxyAdminPort: num('proxyAdminPort'),
    statusPort: num('statusPort'),
    statusListenAddress: str('statusListenAddress'),
    statusHeadersBoundMs: env.statusHeadersBoundMs,
    appProbes: parseProbeTable(env.appProbers, num('statusPort')),
    appMetrics: parseAppMetrics(env.prometheusAnnotations, appPorts),
    envoyStatusPort: env.envoyStatusPort,
    envoyPrometheusPort: env.envoyPrometheusPort,
    concurrency: num('concurrency'),
    controlPlaneAuthPolicy: auth.policy,
    controlPlaneAuthReason: auth.reason,
    pilotSan: Object.freeze([...auth.pilotSan]),
    envoyLogLevel: logs.level,
    envoyComponentLogLevel: logs.componentLevel,
    agentLogLevel: agentLogLevel(str('log_output_level')),
    customConfigFile: str('customConfigFile'),
    templateFile: env.bootstrapTemplate || str('templateFile') || defaultTemplateFile,
    templateOrigin: env.bootstrapTemplate ? 'ISTIO_BOOTSTRAP' : str('templateFile') ? '--templateFile' : 'the bundled template',
    outlierLogPath: str('outlierLogPath'),
    baseId: num('baseId'),
    certDir,
    certFiles,
    certDelivery,
    sdsSocketPath,
    // Istio 1.5's bootstrap marked a proxy served by the agent's SDS so that istiod sends it SDS-based TLS; it set
    // TRUSTJWT with it, always the pair (pkg/bootstrap/config.go getNodeMetaData).
    metadata: Object.freeze(certDelivery === 'sds' ? { ...identity.metadata, SDS: 'true', TRUSTJWT: 'true' } : identity.metadata),
    locality: Object.freeze(identity.locality),
  });
  if (opts.requireBinary) checkConfigPath(config.configPath);
  return config;
}

/** Envoy takes whole seconds; Istio's ValidateProxyConfig also caps both durations below an hour. */
function checkEnvoySeconds(flag: string, ms: number): void {
  if (ms < 1000 || ms >= hourMs || ms % 1000 !== 0) {
    throw flagError(flag, fmt(ms), 'expected whole seconds from 1s to under 1h, e.g. 45s');
  }
}

function checkExecutable(path: string): void {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, constants.X_OK);
  } catch {
    throw flagError('--binaryPath', path, 'expected an executable envoy binary');
  }
}

/**
 * --configPath must be a directory the agent can write envoy-rev<epoch>.json into, or one it can
 * create (each epoch's write creates it): a file, /proc/x or a read-only mount is exit 2 at start.
 */
function checkConfigPath(path: string): void {
  try {
    checkDirectoryCreatable(path);
  } catch (e) {
    throw flagError('--configPath', path, `expected a writable directory, or one that can be created (${(e as Error).message})`);
  }
}

/** A unix socket path is at most 107 bytes (sun_path); a longer one would fail only when the agent binds it. */
function checkSocketPath(path: string): void {
  if (Buffer.byteLength(path) > 107) {
    throw flagError('--configPath', dirname(path), `expected a path of at most ${107 - '/SDS'.length} bytes: the SDS socket ${path} must fit a unix socket address (or use --certDelivery restart)`);
  }
}

function checkReadable(flag: string, path: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw flagError(flag, path, 'expected a readable file');
  }
}

function defaultId(registry: string, ip: string, podName: string, podNamespace: string): string {
  if (registry === 'Kubernetes') return `${podName}.${podNamespace}`;
  if (registry === 'Consul') return `${ip}.service.consul`;
  return ip;
}

function defaultDomain(registry: string, podNamespace: string): string {
  if (registry === 'Kubernetes') return `${podNamespace}.svc.cluster.local`;
  if (registry === 'Consul') return 'service.consul';
  return '';
}
