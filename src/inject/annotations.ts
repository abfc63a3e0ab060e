import { isIP } from 'node:net';
import { parseGoBool } from '../flags/go-bool.js';

// The pod annotations the injector understands, and Istio 1.5's checks on them (a bad value aborts the run).

export const A = {
  inject: 'sidecar.istio.io/inject',
  status: 'sidecar.istio.io/status',
  interceptionMode: 'sidecar.istio.io/interceptionMode',
  proxyImage: 'sidecar.istio.io/proxyImage',
  proxyCPU: 'sidecar.istio.io/proxyCPU',
  proxyMemory: 'sidecar.istio.io/proxyMemory',
  discoveryAddress: 'sidecar.istio.io/discoveryAddress',
  logLevel: 'sidecar.istio.io/logLevel',
  componentLogLevel: 'sidecar.istio.io/componentLogLevel',
  bootstrapOverride: 'sidecar.istio.io/bootstrapOverride',
  userVolume: 'sidecar.istio.io/userVolume',
  userVolumeMount: 'sidecar.istio.io/userVolumeMount',
  rewriteAppHTTPProbers: 'sidecar.istio.io/rewriteAppHTTPProbers',
  enableCoreDump: 'sidecar.istio.io/enableCoreDump',
  controlPlaneAuthPolicy: 'sidecar.istio.io/controlPlaneAuthPolicy',
  includeOutboundIPRanges: 'traffic.sidecar.istio.io/includeOutboundIPRanges',
  excludeOutboundIPRanges: 'traffic.sidecar.istio.io/excludeOutboundIPRanges',
  includeInboundPorts: 'traffic.sidecar.istio.io/includeInboundPorts',
  excludeInboundPorts: 'traffic.sidecar.istio.io/excludeInboundPorts',
  excludeOutboundPorts: 'traffic.sidecar.istio.io/excludeOutboundPorts',
  kubevirtInterfaces: 'traffic.sidecar.istio.io/kubevirtInterfaces',
  statusPort: 'status.sidecar.istio.io/port',
  readinessInitialDelay: 'readiness.status.sidecar.istio.io/initialDelaySeconds',
  readinessPeriod: 'readiness.status.sidecar.istio.io/periodSeconds',
  readinessFailureThreshold: 'readiness.status.sidecar.istio.io/failureThreshold',
  proxyConfig: 'proxy.istio.io/config',
  nativeSidecar: 'sidecar.istio.io/nativeSidecar',
} as const;

type Check = (value: string) => string | undefined;

const uintCheck = (max: number, label: string): Check => (v) => (parseUint(v, max) === undefined ? `${label} invalid: "${v}" is not a whole number from 0 to ${max}` : undefined);

const checks: Readonly<Record<string, Check>> = {
  [A.interceptionMode]: (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : `interceptionMode invalid, use REDIRECT,TPROXY,NONE: ${v}`),
  [A.includeOutboundIPRanges]: (v) => (v === '*' ? undefined : cidrList(v, 'includeIPRanges')),
  [A.excludeOutboundIPRanges]: (v) => cidrList(v, 'excludeIPRanges'),
  [A.includeInboundPorts]: (v) => (v === '*' ? undefined : portList(v, 'includeInboundPorts')),
  [A.excludeInboundPorts]: (v) => portList(v, 'excludeInboundPorts'),
  [A.excludeOutboundPorts]: (v) => portList(v, 'excludeOutboundPorts'),
  [A.statusPort]: uintCheck(65535, 'statusPort'),
  [A.readinessInitialDelay]: uintCheck(0xffffffff, 'initialDelaySeconds'),
  [A.readinessPeriod]: uintCheck(0xffffffff, 'periodSeconds'),
  [A.readinessFailureThreshold]: uintCheck(0xffffffff, 'failureThreshold'),
  [A.enableCoreDump]: (v) => (parseGoBool(v) === undefined ? `enableCoreDump invalid: "${v}" is not a boolean` : undefined),
};

// Accepted without checks (Istio's registry), so they are not reported as misspelled.
const unchecked = new Set<string>([
  A.inject, A.status, A.rewriteAppHTTPProbers, A.controlPlaneAuthPolicy, A.discoveryAddress, A.proxyImage, A.proxyCPU,
  A.proxyMemory, A.bootstrapOverride, A.userVolume, A.userVolumeMount, A.kubevirtInterfaces, A.logLevel,
  A.componentLogLevel, A.proxyConfig, A.nativeSidecar, 'sidecar.istio.io/statsInclusionPrefixes', 'sidecar.istio.io/statsInclusionSuffixes',
  'sidecar.istio.io/statsInclusionRegexps',
]);

export interface AnnotationReport {
  /** One entry per bad value: `invalid value '<v>' for annotation '<key>': <reason>`. */
  readonly errors: { key: string; message: string }[];
  readonly misspelled: string[];
}

export function checkAnnotations(annotations: Readonly<Record<string, string>>): AnnotationReport {
  const errors: { key: string; message: string }[] = [];
  const misspelled: string[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    const check = checks[key];
    if (check) {
      const reason = check(value);
      if (reason) errors.push({ key, message: `invalid value '${value}' for annotation '${key}': ${reason}` });
    } else if (!unchecked.has(key) && key.includes('istio')) {
      misspelled.push(`Potentially misspelled annotation '${key}' with value '${value}' encountered`);
    }
  }
  return { errors, misspelled };
}

/** The admission webhook's reading of sidecar.istio.io/inject: only y/yes/true/on (or absent/empty) inject. */
export function injectionDisabled(annotations: Readonly<Record<string, string>>): boolean {
  const v = annotations[A.inject];
  if (v === undefined || v === '') return false;
  return !['y', 'yes', 'true', 'on'].includes(v.toLowerCase());
}

export function parseUint(v: string, max: number): number | undefined {
  if (!/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n <= max ? n : undefined;
}

function portList(value: string, label: string): string | undefined {
  for (const item of value.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    if (parseUint(item, 65535) === undefined) return `${label} invalid: "${item}" is not a port number`;
  }
  return undefined;
}

function cidrList(value: string, label: string): string | undefined {
  for (const item of value.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const [ip, bits, extra] = item.split('/');
    const family = isIP(ip ?? '');
    const max = family === 6 ? 128 : 32;
    if (family === 0 || bits === undefined || extra !== undefined || parseUint(bits, max) === undefined) {
      return `${label} invalid: failed parsing cidr '${item}'`;
    }
  }
  return undefined;
}
