// Where the workload certificate comes from, decided once at start as Istio 1.5 decided it (sds-agent.go,
// secretcache.go): mounted files win (the --certDir chain and key, e.g. Istio's istio.<sa> secret at /etc/certs);
// otherwise, with SDS delivery, the CA client runs when the token JWT_POLICY names exists (1.5 ran its in-process
// SDS agent exactly then: "Missing JWT token, can't use in process SDS" otherwise). Restart delivery puts file paths
// in the bootstrap, so it never uses the CA client.
import { existsSync } from 'node:fs';
import type { CaClientSettings } from '../config/ca-client.js';
import type { ProxyConfig } from '../config/proxy-config.js';

export type CertSource = { readonly kind: 'files'; readonly why: string } | { readonly kind: 'ca'; readonly settings: CaClientSettings };

export function chooseCertSource(config: Pick<ProxyConfig, 'certDelivery' | 'certFiles'>, ca: CaClientSettings | undefined): CertSource {
  if (!ca) return { kind: 'files', why: 'JWT_POLICY names no token' };
  if (config.certDelivery !== 'sds') return { kind: 'files', why: '--certDelivery restart reads certificate files' };
  const { certChain, key } = config.certFiles;
  if (existsSync(certChain) && existsSync(key)) return { kind: 'files', why: `${certChain} and ${key} are mounted` };
  if (!existsSync(ca.tokenPath)) return { kind: 'files', why: `no token at ${ca.tokenPath} (JWT_POLICY=${ca.jwtPolicy}), so no CA client` };
  return { kind: 'ca', settings: ca };
}
