// Certificate sets for rotations, from the shared fixtures (test/fixtures/certs, made by its
// generate.sh), and a --certDir that changes them the way kubelet does: all three files at once.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('../fixtures/certs/', import.meta.url));
const fixture = (name: string): string => readFileSync(`${fixtures}${name}`, 'utf8');

export interface CertSet {
  readonly name: string;
  readonly files: { readonly 'cert-chain.pem': string; readonly 'key.pem': string; readonly 'root-cert.pem': string };
}

const set = (name: string, chain: string, key: string, root = 'root-ca.pem'): CertSet => ({
  name,
  files: { 'cert-chain.pem': fixture(chain), 'key.pem': fixture(key), 'root-cert.pem': fixture(root) },
});

/** Envoy can use each of these: a restart onto it is expected. */
export const validSets = (): CertSet[] => [set('leaf-a', 'leaf-a.pem', 'leaf-a.key'), set('leaf-b', 'leaf-b.pem', 'leaf-b.key'), set('leaf-c+intermediate', 'leaf-c-chain.pem', 'leaf-c.key')];

/** Each must be rejected without a restart. */
export const invalidSets = (): CertSet[] => [
  set('mismatched key', 'leaf-a.pem', 'leaf-b.key'),
  set('foreign CA', 'other-leaf.pem', 'other-leaf.key'),
  set('expired leaf', 'expired.pem', 'expired.key'),
  { name: 'garbage chain', files: { ...set('', 'leaf-b.pem', 'leaf-b.key').files, 'cert-chain.pem': 'not a certificate\n' } },
];

/** The fingerprint the agent logs for the leaf of a valid set. */
export const leafFingerprint = (s: CertSet): string => new X509Certificate(s.files['cert-chain.pem']).fingerprint256;

/**
 * A Secret volume as kubelet's AtomicWriter writes it: the files go into a fresh `..<n>` directory,
 * a `..data` symlink is renamed onto it, the visible names link through `..data`. All three files
 * change in one rename, so a valid set is never seen half-written.
 */
export class CertVolume {
  #writes = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  write(s: CertSet): void {
    const stamp = `..soak_${String(++this.#writes).padStart(6, '0')}`;
    mkdirSync(`${this.dir}/${stamp}`);
    for (const [name, body] of Object.entries(s.files)) writeFileSync(`${this.dir}/${stamp}/${name}`, body);
    let previous: string | undefined;
    try {
      previous = readlinkSync(`${this.dir}/..data`);
    } catch {
      previous = undefined;
    }
    symlinkSync(stamp, `${this.dir}/..data_tmp`);
    renameSync(`${this.dir}/..data_tmp`, `${this.dir}/..data`);
    for (const name of Object.keys(s.files)) {
      try {
        symlinkSync(`..data/${name}`, `${this.dir}/${name}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    if (previous) rmSync(`${this.dir}/${previous}`, { recursive: true, force: true });
  }
}
