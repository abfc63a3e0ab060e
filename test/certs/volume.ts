// A --certDir written the ways the files really change: kubelet's AtomicWriter for Secret volumes,
// and plain in-place writes (hostPath, a sidecar that writes files, an operator's `cp`).
import { mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { CertSet } from './pki.js';

/**
 * kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go): the payload goes into a fresh
 * `..<timestamp>` directory, a `..data_tmp` symlink to it is renamed over `..data`, the user-visible
 * names are symlinks `name -> ..data/name` (created once), and the previous directory is removed.
 */
export class SecretVolume {
  #writes = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  write(files: Partial<CertSet> | Record<string, string>): void {
    const stamp = `..${new Date().toISOString().replace(/[-:T]/g, '_').replace('Z', '')}${String(++this.#writes).padStart(6, '0')}`;
    mkdirSync(`${this.dir}/${stamp}`);
    for (const [name, body] of Object.entries(files)) writeFileSync(`${this.dir}/${stamp}/${name}`, body);
    let previous: string | undefined;
    try {
      previous = readlinkSync(`${this.dir}/..data`);
    } catch {
      previous = undefined;
    }
    symlinkSync(stamp, `${this.dir}/..data_tmp`);
    renameSync(`${this.dir}/..data_tmp`, `${this.dir}/..data`);
    for (const name of Object.keys(files)) {
      try {
        symlinkSync(`..data/${name}`, `${this.dir}/${name}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    if (previous) rmSync(`${this.dir}/${previous}`, { recursive: true, force: true });
  }
}

/** Writes each file in place (truncate + write), in the given order. */
export function writeInPlace(dir: string, files: Partial<CertSet> | Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) writeFileSync(`${dir}/${name}`, body);
}
