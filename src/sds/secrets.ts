// Validated certificate material → the two secrets Istio's agent serves over SDS, as plain objects in
// secret.proto's field names. `default` is the workload's chain and key, `ROOTCA` the roots to verify peers
// with (only when a root file exists: the chain alone says nothing about which roots to trust).
import { createHash } from 'node:crypto';
import type { CertMaterial } from '../certs/material.js';

export const workloadSecretName = 'default';
export const rootSecretName = 'ROOTCA';

export type SecretObject = Readonly<Record<string, unknown>>;

/** One set of secrets, as served at one version (the material's hash: restoring old files restores the version). */
export interface SecretSet {
  readonly version: string;
  readonly secrets: ReadonlyMap<string, SecretObject>;
}

export function secretsOf(material: CertMaterial, hash: string): SecretSet {
  const { certChain, key, rootCert } = material.contents;
  const secrets = new Map<string, SecretObject>();
  if (certChain && key) {
    secrets.set(workloadSecretName, {
      name: workloadSecretName,
      tls_certificate: { certificate_chain: { inline_bytes: certChain }, private_key: { inline_bytes: key } },
    });
  }
  if (rootCert) secrets.set(rootSecretName, { name: rootSecretName, validation_context: { trusted_ca: { inline_bytes: rootCert } } });
  return { version: hash.slice(0, 16), secrets };
}

/**
 * A chain signed by the CA (leaf first, root last) and its key: `default` is the whole chain, root included, as
 * Istio 1.5 served it; `ROOTCA` is the last element. The version is a hash of what is served.
 */
export function issuedSecrets(chain: readonly string[], keyPem: string): SecretSet {
  const pem = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);
  const certChain = Buffer.from(chain.map(pem).join(''));
  const rootCert = Buffer.from(pem(chain[chain.length - 1]!));
  const key = Buffer.from(keyPem);
  const hash = createHash('sha256').update(certChain).update(key).digest('hex');
  return secretsOf({ files: { certChain: '', key: '', rootCert: '' }, contents: { certChain, key, rootCert }, unreadable: [] }, hash);
}
