// Where the workload certificate comes from, decided once at start as Istio 1.5 decided it (sds-agent.go,
// secretcache.go): mounted files win (the --certDir chain and key, e.g. Istio's istio.<sa> secret at /etc/certs);
// otherwise, with SDS delivery and a JWT_POLICY, the CA client gets one from istiod. Restart delivery puts file
// paths in the bootstrap, so it never uses the CA client.
import { existsSync } from 'node:fs';
import type { CaClientSettings } from '../config/ca-client.js';
import type { ProxyConfig } from '../config/proxy-config.js';

export type CertSource = { readonly kind: 'files'; readonly why: string } | { readonly kind: 'ca'; readonly settings: CaClientSettings };

export function chooseCertSource(config: Pick<ProxyConfig, 'certDelivery' | 'certFiles'>, ca: CaClientSettings | undefined): CertSource {
  if (!ca) return { kind: 'files', why: 'JWT_POLICY is unset (or names no token)' };
  if (config.certDelivery !== 'sds') return { kind: 'files', why: '--certDelivery restart reads certificate files' };
  const { certChain, key } = config.certFiles;
  if (existsSync(certChain) && existsSync(key)) return { kind: 'files', why: `${certChain} and ${key} are mounted` };
  return { kind: 'ca', settings: ca };
}
