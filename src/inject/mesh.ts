import { parseGoDuration } from '../flags/duration.js';
import { InputError, asStringMap, describePath, type YamlPath } from './input-error.js';
import { Reader, deepMerge } from './values.js';

// Mesh config (the `mesh` key of the `istio` ConfigMap): the injector reads its proxy `defaultConfig`.

/** Istio 1.5's DefaultMeshConfig: what a --meshConfigFile is merged onto. */
export const istioDefaultMesh = {
  sdsUdsPath: '',
  defaultConfig: {
    discoveryAddress: 'istio-pilot:15010',
    drainDuration: '45s',
    parentShutdownDuration: '60s',
    connectTimeout: '1s',
    proxyAdminPort: 15000,
    concurrency: 0,
    interceptionMode: 'REDIRECT',
    holdApplicationUntilProxyStarts: false,
  },
};

/**
 * The mesh config a default Istio 1.5 install ships (istiod at :15012, zipkin, 10s connect timeout,
 * 2 workers): used when no --meshConfigFile is given, so the output matches what istioctl prints against a
 * freshly installed 1.5 cluster.
 */
export const installedMesh = deepMerge(istioDefaultMesh, {
  defaultConfig: {
    discoveryAddress: 'istiod.istio-system.svc:15012',
    connectTimeout: '10s',
    concurrency: 2,
    tracing: { zipkin: { address: 'zipkin.istio-system:9411' } },
  },
});

export interface MeshProxyConfig {
  readonly discoveryAddress: string;
  readonly drainDurationMs: number;
  readonly parentShutdownDurationMs: number;
  readonly connectTimeoutMs: number;
  readonly proxyAdminPort: number;
  readonly concurrency: number;
  readonly interceptionMode: string;
  readonly zipkinAddress: string;
  readonly lightstep: { address: string; accessToken: string; secure: boolean; cacertPath: string };
  readonly datadogAddress: string;
  readonly holdApplicationUntilProxyStarts: boolean;
  readonly proxyMetadata: Record<string, string>;
  readonly sdsUdsPath: string;
}

export function readMesh(doc: unknown): MeshProxyConfig {
  const r = new Reader(doc);
  const d = ['defaultConfig'];
  const t = [...d, 'tracing'];
  const duration = (path: YamlPath): number => {
    const text = r.str(path);
    const ms = parseGoDuration(text);
    if (ms === undefined || ms < 0) throw new InputError(`${describePath(path)}: expected a duration such as 45s or 1m0s`, path);
    return ms;
  };
  const mode = r.str([...d, 'interceptionMode']);
  if (!['REDIRECT', 'TPROXY', 'NONE'].includes(mode)) {
    throw new InputError(`${describePath([...d, 'interceptionMode'])}: expected REDIRECT, TPROXY or NONE`, [...d, 'interceptionMode']);
  }
  return {
    discoveryAddress: r.str([...d, 'discoveryAddress']),
    drainDurationMs: duration([...d, 'drainDuration']),
    parentShutdownDurationMs: duration([...d, 'parentShutdownDuration']),
    connectTimeoutMs: duration([...d, 'connectTimeout']),
    proxyAdminPort: r.int([...d, 'proxyAdminPort'], 0, 65535),
    concurrency: r.int([...d, 'concurrency'], 0, 0xffffffff),
    interceptionMode: mode,
    zipkinAddress: r.str([...t, 'zipkin', 'address']),
    lightstep: {
      address: r.str([...t, 'lightstep', 'address']),
      accessToken: r.str([...t, 'lightstep', 'accessToken']),
      secure: r.bool([...t, 'lightstep', 'secure']),
      cacertPath: r.str([...t, 'lightstep', 'cacertPath']),
    },
    datadogAddress: r.str([...t, 'datadog', 'address']),
    holdApplicationUntilProxyStarts: r.bool([...d, 'holdApplicationUntilProxyStarts']),
    proxyMetadata: asStringMap(r.optionalMap([...d, 'proxyMetadata']), [...d, 'proxyMetadata']),
    sdsUdsPath: r.str(['sdsUdsPath']),
  };
}
