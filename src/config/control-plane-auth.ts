// How the agent talks to the control plane, decided as Istio 1.5's pilot-agent did (main.go and
// pkg/istio-agent/sds-agent.go NewSDSAgent): --controlPlaneAuthPolicy, overridden by the discovery port.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { AgentError, ErrorCodes } from '../errors/index.js';
import type { HostPort } from './addresses.js';
import { tokenPaths } from './ca-client.js';
import type { AuthPolicy } from './proxy-config.js';

/** istiod's TLS port: 1.5 requires certificates on it whatever --controlPlaneAuthPolicy says. */
export const istiodTlsPort = 15012;

export interface ControlPlaneAuth {
  readonly policy: AuthPolicy;
  /** What made it MUTUAL_TLS: the flag, or the discovery port 15012 (the seed passes NONE with 15012). */
  readonly reason: 'flag' | 'istiod port' | 'none';
  /** The names istiod's serving certificate may carry; envoy accepts any one of them. */
  readonly pilotSan: readonly string[];
}

/**
 * 1.5's rule: MUTUAL_TLS by flag expects the pilot service account's SPIFFE identity; port 15012 forces
 * MUTUAL_TLS and adds the discovery host itself (istiod's certificate is issued for its DNS name), with
 * `localhost` meaning istiod.istio-system.svc (1.5's local-debugging case).
 */
export function controlPlaneAuth(flagPolicy: AuthPolicy, discovery: HostPort, trustDomain: string, istioNamespace: string): ControlPlaneAuth {
  const sans: string[] = [];
  if (flagPolicy === 'MUTUAL_TLS') sans.push(pilotSpiffeSan(trustDomain, discovery.host, istioNamespace));
  if (discovery.port === istiodTlsPort) {
    sans.push(discovery.host === 'localhost' ? 'istiod.istio-system.svc' : discovery.host);
    return { policy: 'MUTUAL_TLS', reason: flagPolicy === 'MUTUAL_TLS' ? 'flag' : 'istiod port', pilotSan: sans };
  }
  return { policy: flagPolicy, reason: flagPolicy === 'MUTUAL_TLS' ? 'flag' : 'none', pilotSan: sans };
}

/** Istio's pilot SAN: the control plane namespace comes from the discovery host, else ISTIO_NAMESPACE. */
function pilotSpiffeSan(trustDomain: string, discoveryHost: string, istioNamespace: string): string {
  const parts = discoveryHost.split('.');
  const ns = parts.length >= 2 && isIP(discoveryHost) === 0 ? parts[1] : istioNamespace || 'istio-system';
  return `spiffe://${trustDomain}/ns/${ns}/sa/istio-pilot-service-account`;
}

/** A SAN as Envoy's typed matcher: a SPIFFE id is a URI SAN, an IP literal an IP SAN, anything else a DNS name. */
export function sanMatcher(san: string): { san_type: 'URI' | 'IP_ADDRESS' | 'DNS'; matcher: { exact: string } } {
  const type = san.startsWith('spiffe://') ? 'URI' : isIP(san) !== 0 ? 'IP_ADDRESS' : 'DNS';
  return { san_type: type, matcher: { exact: san } };
}

/**
 * 1.5 on port 15012 with nothing to authenticate with (no token for the CA, no mounted key): a fatal
 * "Missing JWT, can't authenticate with control plane". Here it is a start-up error (exit 2) naming both.
 */
export function checkControlPlaneCredentials(auth: ControlPlaneAuth, discovery: HostPort, jwtPolicy: string, tokenFile: string, keyFile: string): void {
  if (auth.reason !== 'istiod port') return;
  // The CA client's own rule (CA_TOKEN_FILE, else the path the policy implies), so the two never disagree.
  const token = tokenFile || (tokenPaths as Readonly<Record<string, string>>)[jwtPolicy];
  if ((token !== undefined && existsSync(token)) || existsSync(keyFile)) return;
  const tokenPart = token ? `no token at ${token} (JWT_POLICY=${jwtPolicy})` : `JWT_POLICY=${jwtPolicy} names no token`;
  throw new AgentError(
    ErrorCodes.USAGE,
    `can't authenticate with the control plane at ${discovery.host}:${discovery.port} (istiod's TLS port): ${tokenPart} and no key at ${keyFile}; mount the token or the certificates, or use the plain-text port 15010`,
  );
}
