import type { HostPort } from './addresses.js';
import type { AppMetricsTarget } from './app-metrics.js';
import type { ProbeTable } from './app-probes.js';
import type { RemoteService } from './remote-service.js';
import type { Tracer } from './tracer.js';

export type Role = 'sidecar' | 'router';
export type AuthPolicy = 'NONE' | 'MUTUAL_TLS';
/** How envoy gets certificates: pushed over SDS, or read from files at each (hot) restart. */
export type CertDelivery = 'sds' | 'restart';

export interface CertFiles {
  readonly certChain: string;
  readonly key: string;
  readonly rootCert: string;
}

/** The single, validated, frozen source of truth every other part reads. Durations in ms. */
export interface ProxyConfig {
  readonly role: Role;
  readonly id: string;
  readonly domain: string;
  readonly ips: readonly string[];
  readonly ipv6: boolean;
  /** <role>~<first ip>~<id>~<domain> */
  readonly nodeId: string;
  readonly trustDomain: string;
  readonly serviceregistry: string;

  readonly configPath: string;
  readonly binaryPath: string;
  readonly serviceCluster: string;
  readonly drainDurationMs: number;
  readonly parentShutdownDurationMs: number;
  readonly discoveryAddress: HostPort;
  /** The one tracer Istio 1.5's precedence picks (LightStep and Stackdriver are refused at start). */
  readonly tracer: Tracer;
  readonly envoyMetricsService: RemoteService | undefined;
  readonly envoyAccessLogService: RemoteService | undefined;
  /** Worth a warning wherever the config is used (`proxy` logs them, `bootstrap` prints them). */
  readonly warnings: readonly string[];
  readonly statsdUdpAddress: HostPort | undefined;
  readonly connectTimeoutMs: number;
  readonly dnsRefreshRateMs: number;
  readonly proxyAdminPort: number;
  readonly statusPort: number;
  /** Where the status server listens; '' for every interface. */
  readonly statusListenAddress: string;
  /** A status client must send its complete request headers within this (README: 10 s). */
  readonly statusHeadersBoundMs: number;
  /** ISTIO_KUBE_APP_PROBERS, validated: /app-health/<container>/<kind> → the probe to run. */
  readonly appProbes: ProbeTable;
  /** ISTIO_PROMETHEUS_ANNOTATIONS: the application's metrics endpoint to merge, if any. */
  readonly appMetrics: AppMetricsTarget | undefined;
  readonly envoyStatusPort: number;
  readonly envoyPrometheusPort: number;
  readonly concurrency: number;
  readonly controlPlaneAuthPolicy: AuthPolicy;
  /** Why the policy is what it is: the flag, or the discovery port 15012 forcing MUTUAL_TLS (as Istio 1.5 did). */
  readonly controlPlaneAuthReason: 'flag' | 'istiod port' | 'none';
  readonly pilotSan: readonly string[];
  readonly envoyLogLevel: string;
  readonly envoyComponentLogLevel: string;
  readonly agentLogLevel: string;

  readonly customConfigFile: string;
  /** The template to render: ISTIO_BOOTSTRAP > --templateFile > the bundled default. */
  readonly templateFile: string;
  /** Where templateFile came from, for error messages: "ISTIO_BOOTSTRAP", "--templateFile" or the bundled default. */
  readonly templateOrigin: string;
  readonly outlierLogPath: string;
  readonly baseId: number;
  readonly certDir: string;
  readonly certFiles: CertFiles;
  readonly certDelivery: CertDelivery;
  /** The SDS server's unix socket, <configPath>/SDS (where Istio's agent put it); used in sds delivery only. */
  readonly sdsSocketPath: string;

  readonly metadata: Readonly<Record<string, unknown>>;
  readonly locality: Readonly<{ region?: string; zone?: string; sub_zone?: string }>;
}
