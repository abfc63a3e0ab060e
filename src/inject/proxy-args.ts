import { formatGoDuration } from '../flags/duration.js';
import { A } from './annotations.js';
import { annotationOr, type PodContext } from './pod-context.js';
import { concurrencyFromCpu } from './quantity.js';

// `pilot-agent proxy sidecar ...` exactly as Istio 1.5's template writes it. Every flag here is in
// src/config/proxy-flags.ts (a test parses these args with that table).

export function proxyArgs(ctx: PodContext, resources: Record<string, unknown>): string[] {
  const { cfg, pod, owner, traffic } = ctx;
  const v = cfg.values;
  const m = cfg.mesh;
  const cluster = pod.labels.app ? `${pod.labels.app}.$(POD_NAMESPACE)` : `${owner.name || 'istio-proxy'}.${owner.namespace || 'default'}`;
  const args = [
    'proxy', 'sidecar',
    '--domain', `$(POD_NAMESPACE).svc.${v.clusterDomain}`,
    '--configPath', '/etc/istio/proxy',
    '--binaryPath', '/usr/local/bin/envoy',
    '--serviceCluster', cluster,
    '--drainDuration', formatGoDuration(m.drainDurationMs),
    '--parentShutdownDuration', formatGoDuration(m.parentShutdownDurationMs),
    '--discoveryAddress', annotationOr(ctx, A.discoveryAddress, m.discoveryAddress),
    ...tracerArgs(ctx),
    `--proxyLogLevel=${annotationOr(ctx, A.logLevel, v.logLevel)}`,
    `--proxyComponentLogLevel=${annotationOr(ctx, A.componentLogLevel, v.componentLogLevel)}`,
    '--connectTimeout', formatGoDuration(m.connectTimeoutMs),
    '--proxyAdminPort', String(m.proxyAdminPort),
  ];
  if (m.concurrency > 0) args.push('--concurrency', String(m.concurrency));
  args.push('--controlPlaneAuthPolicy', controlPlaneAuthPolicy(ctx), '--dnsRefreshRate', v.dnsRefreshRate);
  if (traffic.statusPort !== 0) args.push('--statusPort', String(traffic.statusPort));
  args.push(`--trust-domain=${v.trustDomain}`, '--controlPlaneBootstrap=false');
  // Without a mesh-wide concurrency, size envoy's workers to the sidecar's CPU (Istio does this after rendering).
  if (m.concurrency === 0) {
    const cpu = (key: string): string | number | undefined => (resources[key] as Record<string, string | number> | undefined)?.cpu;
    const n = concurrencyFromCpu(cpu('limits'), cpu('requests'));
    if (n > 0) args.push('--concurrency', String(n));
  }
  return args;
}

function tracerArgs(ctx: PodContext): string[] {
  const m = ctx.cfg.mesh;
  switch (ctx.cfg.values.tracer) {
    case 'zipkin':
      return ['--zipkinAddress', m.zipkinAddress];
    case 'lightstep':
      return ['--lightstepAddress', m.lightstep.address, '--lightstepAccessToken', m.lightstep.accessToken,
        `--lightstepSecure=${m.lightstep.secure}`, '--lightstepCacertPath', m.lightstep.cacertPath];
    case 'datadog':
      return ['--datadogAgentAddress', m.datadogAddress];
    default:
      return [];
  }
}

function controlPlaneAuthPolicy(ctx: PodContext): string {
  const v = ctx.cfg.values;
  // istiod serves xDS over its own TLS port (15012), so the agent never wraps it in mTLS.
  if (v.istiodEnabled) return 'NONE';
  return annotationOr(ctx, A.controlPlaneAuthPolicy, v.controlPlaneSecurityEnabled ? 'MUTUAL_TLS' : 'NONE');
}
