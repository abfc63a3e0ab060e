import { AgentError, ErrorCodes } from '../errors/index.js';
import { parseHostPort, type HostPort } from './addresses.js';
import { envBool, envDuration, type Env } from './env-values.js';

// What Istio 1.5's in-process CA client read from the injected environment (pkg/istio-agent/sds-agent.go,
// security/pkg/nodeagent/cache/secretcache.go), read once at start. Durations in ms.

export type JwtPolicy = 'third-party-jwt' | 'first-party-jwt';
export type PilotCertProvider = 'istiod' | 'kubernetes' | 'custom';

export interface CaClientSettings {
  readonly jwtPolicy: JwtPolicy;
  /** The token sent as `authorization: Bearer`, re-read at every request (projected tokens rotate). */
  readonly tokenPath: string;
  readonly pilotCertProvider: PilotCertProvider;
  /** CA_ADDR, or the discovery address when unset. */
  readonly address: HostPort;
  /** The name the CA's serving certificate is checked against (1.5: the dial host; localhost → istiod's). */
  readonly serverName: string;
  /** The CA's root: a PEM file, or undefined for plaintext (a :15010 address, as 1.5). */
  readonly rootCertPath: string | undefined;
  readonly trustDomain: string;
  /** The identity's fallback parts when the token is not a JWT (1.5 took them from the token's `sub`). */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** SECRET_TTL, sent as validity_duration. */
  readonly ttlMs: number;
  /** SECRET_GRACE_PERIOD_RATIO: rotate when this part of the lifetime is left. */
  readonly graceRatio: number;
  /** PKCS8_KEY: the key PEM as PKCS#8 instead of PKCS#1. */
  readonly pkcs8Key: boolean;
}

export const tokenPaths: Readonly<Record<JwtPolicy, string>> = {
  'third-party-jwt': './var/run/secrets/tokens/istio-token',
  'first-party-jwt': '/var/run/secrets/kubernetes.io/serviceaccount/token',
};

/** 1.5's `PILOT_CERT_PROVIDER` table; `custom` is the --certDir root (1.5: ./etc/certs/root-cert.pem). */
export function providerRootPath(provider: PilotCertProvider, certDir: string): string {
  if (provider === 'istiod') return './var/run/secrets/istio/root-cert.pem';
  if (provider === 'kubernetes') return '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';
  return `${certDir.replace(/\/+$/, '')}/root-cert.pem`;
}

/** istiod's SAN as 1.5 derived it from a dial host (citadel/client.go). */
export function caServerName(host: string): string {
  if (host.includes('localhost')) return 'istiod.istio-system.svc';
  if (host.includes('citadel')) return 'istio-citadel';
  return host;
}

export interface CaContext {
  readonly discoveryAddress: HostPort;
  readonly certDir: string;
  readonly trustDomain: string;
}

/**
 * The CA client's settings, or undefined when JWT_POLICY names no token (1.5: "Using existing certs"). Whether the
 * client runs is decided at start by whether that token exists (ca/source.ts). CA_TOKEN_FILE and
 * CA_ROOT_CERT_FILE override the paths the policy and provider imply (tests, runs outside a pod).
 */
export function readCaClientSettings(ctx: CaContext, env: Env = process.env): CaClientSettings | undefined {
  const policy = env.JWT_POLICY || 'third-party-jwt'; // 1.5's default
  if (policy !== 'third-party-jwt' && policy !== 'first-party-jwt') return undefined;
  const provider = env.PILOT_CERT_PROVIDER || 'istiod';
  if (provider !== 'istiod' && provider !== 'kubernetes' && provider !== 'custom') {
    throw bad('PILOT_CERT_PROVIDER', provider, 'expected istiod, kubernetes or custom');
  }
  let address = ctx.discoveryAddress;
  if (env.CA_ADDR) {
    try {
      address = parseHostPort('CA_ADDR', env.CA_ADDR);
    } catch {
      throw bad('CA_ADDR', env.CA_ADDR, 'expected host:port, e.g. istiod.istio-system.svc:15012');
    }
  }
  return Object.freeze({
    jwtPolicy: policy,
    tokenPath: env.CA_TOKEN_FILE || tokenPaths[policy],
    pilotCertProvider: provider,
    address,
    serverName: caServerName(address.host),
    rootCertPath: address.port === 15010 ? undefined : env.CA_ROOT_CERT_FILE || providerRootPath(provider, ctx.certDir),
    trustDomain: env.TRUST_DOMAIN || ctx.trustDomain || 'cluster.local',
    namespace: env.POD_NAMESPACE ?? '',
    serviceAccount: env.SERVICE_ACCOUNT ?? '',
    ttlMs: envDuration(env, 'SECRET_TTL', 24 * 3_600_000, Number.MAX_SAFE_INTEGER),
    graceRatio: graceRatio(env),
    pkcs8Key: envBool(env, 'PKCS8_KEY', false),
  });
}

function graceRatio(env: Env): number {
  const raw = env.SECRET_GRACE_PERIOD_RATIO;
  if (raw === undefined || raw === '') return 0.5;
  const n = /^\d*\.?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n > 0 && n < 1)) throw bad('SECRET_GRACE_PERIOD_RATIO', raw, 'expected a fraction of the certificate lifetime between 0 and 1, e.g. 0.5');
  return n;
}

function bad(name: string, raw: string, expected: string): AgentError {
  return new AgentError(ErrorCodes.BAD_ENV, `invalid value ${JSON.stringify(raw)} for ${name}: ${expected}`);
}
