// The certificate fixtures (test/fixtures/certs, made by generate.sh) as the three files a
// --certDir holds, and what tests compare the agent's log lines with.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixtureDir = fileURLToPath(new URL('../fixtures/certs/', import.meta.url));

export const fixture = (name: string): string => readFileSync(`${fixtureDir}${name}`, 'utf8');

/** File names under --certDir, as Istio 1.5 mounted them. */
export type CertSet = { readonly 'cert-chain.pem': string; readonly 'key.pem': string; readonly 'root-cert.pem': string };

export function certSet(chain: string, key: string, root = 'root-ca.pem'): CertSet {
  return { 'cert-chain.pem': fixture(chain), 'key.pem': fixture(key), 'root-cert.pem': fixture(root) };
}

/** Two valid identities from the same root, for rotations. */
export const setA = (): CertSet => certSet('leaf-a.pem', 'leaf-a.key');
export const setB = (): CertSet => certSet('leaf-b.pem', 'leaf-b.key');
/** Valid through an intermediate: the chain file holds leaf + intermediate. */
export const setC = (): CertSet => certSet('leaf-c-chain.pem', 'leaf-c.key');

/** The SHA-256 fingerprint the agent logs for the leaf of a set. */
export function leafFingerprint(set: CertSet): string {
  return new X509Certificate(set['cert-chain.pem']).fingerprint256;
}
