// The certificate sets the rotation benchmarks swap between, and kubelet's way of swapping them.
import { existsSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { root } from './lib.mjs';

const fixture = (name) => readFileSync(`${root}test/fixtures/certs/${name}`, 'utf8');
export const sets = ['a', 'b'].map((x) => ({ 'cert-chain.pem': fixture(`leaf-${x}.pem`), 'key.pem': fixture(`leaf-${x}.key`), 'root-cert.pem': fixture('root-ca.pem') }));

/** kubelet's AtomicWriter: new ..<n> dir, ..data swapped by rename, user-visible symlinks, old dir removed. */
export function swap(dir, files, n) {
  mkdirSync(`${dir}/..${n}`);
  for (const [name, body] of Object.entries(files)) writeFileSync(`${dir}/..${n}/${name}`, body);
  const previous = existsSync(`${dir}/..data`) ? readlinkSync(`${dir}/..data`) : undefined;
  symlinkSync(`..${n}`, `${dir}/..data_tmp`);
  renameSync(`${dir}/..data_tmp`, `${dir}/..data`);
  for (const name of Object.keys(files)) if (!existsSync(`${dir}/${name}`)) symlinkSync(`..data/${name}`, `${dir}/${name}`);
  if (previous) rmSync(`${dir}/${previous}`, { recursive: true, force: true });
}
