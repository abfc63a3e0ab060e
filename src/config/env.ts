import { AgentError, ErrorCodes } from '../errors/index.js';
import { exceedsJsonDepth, maxJsonDepth } from './json-depth.js';
import { readStatusHeadersBound } from './status-timeouts.js';

// The environment variables the agent reads, in one place, as Istio's injector sets them.
export interface AgentEnv {
  readonly podName: string;
  readonly podNamespace: string;
  readonly instanceIp: string;
  readonly serviceAccount: string;
  readonly hostIp: string;
  readonly istioNamespace: string;
  /** ISTIO_BOOTSTRAP: template path that overrides --templateFile. */
  readonly bootstrapTemplate: string;
  readonly envoyStatusPort: number;
  readonly envoyPrometheusPort: number;
  /** ISTIO_KUBE_APP_PROBERS (raw JSON; parsed with the rest of the config). */
  readonly appProbers: string;
  /** ISTIO_PROMETHEUS_ANNOTATIONS (raw JSON). */
  readonly prometheusAnnotations: string;
  /** PILOT_AGENT_STATUS_HEADERS_TIMEOUT: the bound on a status client's request headers, ms. */
  readonly statusHeadersBoundMs: number;
  /** JWT_POLICY (Istio 1.5 default third-party-jwt): which service-account token authenticates the pod to istiod. */
  readonly jwtPolicy: string;
  /** CA_TOKEN_FILE: replaces the token path JWT_POLICY implies (tests, runs outside a pod). */
  readonly caTokenFile: string;
  /** STACKDRIVER_TRACING_ENABLED as given ('' when unset): Istio 1.5's switch for Stackdriver tracing. */
  readonly stackdriverTracingEnabled: string;
  /** ISTIO_META_<K>=v, prefix stripped, in environment order. */
  readonly meta: Readonly<Record<string, string>>;
  /** ISTIO_METAJSON_<K>={...}, parsed. */
  readonly metaJson: Readonly<Record<string, Record<string, unknown>>>;
}

type Env = Readonly<Record<string, string | undefined>>;

export function readEnv(env: Env = process.env): AgentEnv {
  const meta: Record<string, string> = {};
  const metaJson: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (key.startsWith('ISTIO_META_')) meta[key.slice('ISTIO_META_'.length)] = value;
    else if (key.startsWith('ISTIO_METAJSON_')) metaJson[key.slice('ISTIO_METAJSON_'.length)] = parseJsonObject(key, value);
  }
  return {
    podName: env.POD_NAME ?? '',
    podNamespace: env.POD_NAMESPACE ?? '',
    instanceIp: env.INSTANCE_IP ?? '',
    serviceAccount: env.SERVICE_ACCOUNT ?? '',
    hostIp: env.HOST_IP ?? '',
    istioNamespace: env.ISTIO_NAMESPACE ?? '',
    bootstrapTemplate: env.ISTIO_BOOTSTRAP ?? '',
    appProbers: env.ISTIO_KUBE_APP_PROBERS ?? '',
    prometheusAnnotations: env.ISTIO_PROMETHEUS_ANNOTATIONS ?? '',
    statusHeadersBoundMs: readStatusHeadersBound(env),
    stackdriverTracingEnabled: env.STACKDRIVER_TRACING_ENABLED ?? '',
    jwtPolicy: env.JWT_POLICY || 'third-party-jwt',
    caTokenFile: env.CA_TOKEN_FILE ?? '',
    envoyStatusPort: envPort(env, 'ENVOY_STATUS_PORT', 15021),
    envoyPrometheusPort: envPort(env, 'ENVOY_PROMETHEUS_PORT', 15090),
    meta,
    metaJson,
  };
}

function envPort(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (n >= 1 && n <= 65535) return n;
  throw new AgentError(ErrorCodes.BAD_ENV, `invalid value ${JSON.stringify(raw)} for ${name}: expected a port number from 1 to 65535`);
}

function parseJsonObject(name: string, raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AgentError(ErrorCodes.BAD_ENV, `invalid value ${JSON.stringify(truncate(raw))} for ${name}: expected a JSON object`);
  }
  if (exceedsJsonDepth(value, maxJsonDepth)) {
    throw new AgentError(ErrorCodes.BAD_ENV, `invalid value ${JSON.stringify(truncate(raw))} for ${name}: nested more than ${maxJsonDepth} levels deep`);
  }
  return value as Record<string, unknown>;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
