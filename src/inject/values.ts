import { agentVersion } from '../version.js';
import { readSearchTemplates, type SearchTemplate } from './dns-search.js';
import { InputError, asRecord, describePath, type YamlPath } from './input-error.js';

// Helm values of Istio 1.5's injection template (manifests/global.yaml), as far as the injector reads them.
// Defaults are 1.5's, except the images: this agent's image unless --image or a values file says otherwise.
export const defaultValuesDocument = {
  global: {
    hub: '',
    tag: agentVersion,
    imagePullPolicy: 'IfNotPresent',
    istioNamespace: 'istio-system',
    jwtPolicy: 'third-party-jwt',
    pilotCertProvider: 'istiod',
    trustDomain: 'cluster.local',
    meshID: '',
    network: '',
    caAddress: '',
    mountMtlsCerts: false,
    controlPlaneSecurityEnabled: true,
    istiod: { enabled: true },
    sds: { token: { aud: 'istio-ca' } },
    multiCluster: { clusterName: '' },
    proxy: {
      image: 'pilot-agent',
      clusterDomain: 'cluster.local',
      statusPort: 15020,
      readinessInitialDelaySeconds: 1,
      readinessPeriodSeconds: 2,
      readinessFailureThreshold: 30,
      includeIPRanges: '*',
      excludeIPRanges: '',
      excludeInboundPorts: '',
      excludeOutboundPorts: '',
      privileged: false,
      enableCoreDump: false,
      logLevel: 'warning',
      componentLogLevel: 'misc:error',
      dnsRefreshRate: '300s',
      tracer: 'zipkin',
      holdApplicationUntilProxyStarts: false,
      resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
    },
    proxy_init: {
      image: 'pilot-agent',
      resources: { limits: { cpu: '100m', memory: '50Mi' }, requests: { cpu: '10m', memory: '10Mi' } },
    },
  },
  istio_cni: { enabled: false },
  sidecarInjectorWebhook: { rewriteAppHTTPProbe: false },
};

export interface Values {
  readonly hub: string;
  readonly tag: string;
  readonly imagePullPolicy: string;
  readonly istioNamespace: string;
  readonly jwtPolicy: string;
  readonly pilotCertProvider: string;
  readonly trustDomain: string;
  readonly meshID: string;
  readonly network: string;
  readonly caAddress: string;
  readonly mountMtlsCerts: boolean;
  readonly controlPlaneSecurityEnabled: boolean;
  readonly istiodEnabled: boolean;
  readonly sdsTokenAudience: string;
  readonly clusterName: string;
  /** global.podDNSSearchNamespaces, each entry parsed (Istio renders them as templates). */
  readonly podDNSSearchNamespaces: readonly SearchTemplate[];
  readonly proxyImage: string;
  readonly clusterDomain: string;
  readonly statusPort: number;
  readonly readinessInitialDelaySeconds: number;
  readonly readinessPeriodSeconds: number;
  readonly readinessFailureThreshold: number;
  readonly includeIPRanges: string;
  readonly excludeIPRanges: string;
  readonly excludeInboundPorts: string;
  readonly excludeOutboundPorts: string;
  readonly privileged: boolean;
  readonly enableCoreDump: boolean;
  readonly logLevel: string;
  readonly componentLogLevel: string;
  readonly dnsRefreshRate: string;
  readonly tracer: string;
  readonly holdApplicationUntilProxyStarts: boolean;
  readonly proxyResources: Record<string, unknown>;
  readonly proxyLifecycle: Record<string, unknown> | undefined;
  readonly proxyInitImage: string;
  readonly proxyInitResources: Record<string, unknown>;
  readonly cniEnabled: boolean;
  readonly rewriteAppHTTPProbe: boolean;
}

/** Typed view of a merged values document; a wrong type names the key (and so the line). */
export function readValues(doc: unknown): Values {
  const r = new Reader(doc);
  const g = ['global'];
  const p = ['global', 'proxy'];
  return {
    hub: r.str([...g, 'hub']),
    tag: r.str([...g, 'tag']),
    imagePullPolicy: r.str([...g, 'imagePullPolicy']),
    istioNamespace: r.str([...g, 'istioNamespace']),
    jwtPolicy: r.str([...g, 'jwtPolicy']),
    pilotCertProvider: r.str([...g, 'pilotCertProvider']),
    trustDomain: r.str([...g, 'trustDomain']),
    meshID: r.str([...g, 'meshID']),
    network: r.str([...g, 'network']),
    caAddress: r.str([...g, 'caAddress']),
    mountMtlsCerts: r.bool([...g, 'mountMtlsCerts']),
    controlPlaneSecurityEnabled: r.bool([...g, 'controlPlaneSecurityEnabled']),
    istiodEnabled: r.bool([...g, 'istiod', 'enabled']),
    sdsTokenAudience: r.str([...g, 'sds', 'token', 'aud']),
    clusterName: r.str([...g, 'multiCluster', 'clusterName']),
    podDNSSearchNamespaces: readSearchTemplates(r.raw([...g, 'podDNSSearchNamespaces']), [...g, 'podDNSSearchNamespaces']),
    proxyImage: r.str([...p, 'image']),
    clusterDomain: r.str([...p, 'clusterDomain']),
    statusPort: r.int([...p, 'statusPort'], 0, 65535),
    readinessInitialDelaySeconds: r.int([...p, 'readinessInitialDelaySeconds'], 0, 0xffffffff),
    readinessPeriodSeconds: r.int([...p, 'readinessPeriodSeconds'], 0, 0xffffffff),
    readinessFailureThreshold: r.int([...p, 'readinessFailureThreshold'], 0, 0xffffffff),
    includeIPRanges: r.str([...p, 'includeIPRanges']),
    excludeIPRanges: r.str([...p, 'excludeIPRanges']),
    excludeInboundPorts: r.str([...p, 'excludeInboundPorts']),
    excludeOutboundPorts: r.str([...p, 'excludeOutboundPorts']),
    privileged: r.bool([...p, 'privileged']),
    enableCoreDump: r.bool([...p, 'enableCoreDump']),
    logLevel: r.str([...p, 'logLevel']),
    componentLogLevel: r.str([...p, 'componentLogLevel']),
    dnsRefreshRate: r.str([...p, 'dnsRefreshRate']),
    tracer: r.str([...p, 'tracer']),
    holdApplicationUntilProxyStarts: r.bool([...p, 'holdApplicationUntilProxyStarts']),
    proxyResources: r.map([...p, 'resources']),
    proxyLifecycle: r.optionalMap([...p, 'lifecycle']),
    proxyInitImage: r.str(['global', 'proxy_init', 'image']),
    proxyInitResources: r.map(['global', 'proxy_init', 'resources']),
    cniEnabled: r.bool(['istio_cni', 'enabled']),
    rewriteAppHTTPProbe: r.bool(['sidecarInjectorWebhook', 'rewriteAppHTTPProbe']),
  };
}

/** `<hub>/<image>:<tag>` unless the image already names a registry path, as Istio's template does. */
export function imageRef(image: string, values: Values): string {
  if (image.includes('/')) return image;
  return values.hub ? `${values.hub}/${image}:${values.tag}` : `${image}:${values.tag}`;
}

/** Reads typed leaves of a plain YAML value; Helm values are often written as strings, so accept those too. */
export class Reader {
  private readonly root: unknown;

  constructor(root: unknown) {
    this.root = root;
  }

  private get(path: YamlPath): unknown {
    let cur: unknown = this.root;
    for (let i = 0; i < path.length; i++) {
      if (cur === undefined || cur === null) return undefined;
      cur = asRecord(cur, path.slice(0, i))[path[i] as string];
    }
    return cur;
  }

  /** The value as written (for readers of their own). */
  raw(path: YamlPath): unknown {
    return this.get(path);
  }

  str(path: YamlPath): string {
    const v = this.get(path);
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new InputError(`${describePath(path)}: expected a string`, path);
  }

  bool(path: YamlPath): boolean {
    const v = this.get(path);
    if (v === undefined || v === null) return false;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new InputError(`${describePath(path)}: expected true or false`, path);
  }

  int(path: YamlPath, min: number, max: number): number {
    const v = this.get(path);
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InputError(`${describePath(path)}: expected a whole number from ${min} to ${max}`, path);
    }
    return n;
  }

  map(path: YamlPath): Record<string, unknown> {
    return asRecord(this.get(path), path);
  }

  optionalMap(path: YamlPath): Record<string, unknown> | undefined {
    const v = this.get(path);
    return v === undefined || v === null ? undefined : asRecord(v, path);
  }
}

/** Helm-style deep merge: mappings merge key by key, anything else in `over` replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}
