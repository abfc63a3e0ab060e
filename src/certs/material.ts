import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CertFiles } from '../config/proxy-config.js';

export type CertRole = keyof CertFiles;

/** The order files are read, hashed and reported in. */
export const certRoles: readonly CertRole[] = ['certChain', 'key', 'rootCert'];

/** What a set of certificate files held at one moment: each file's bytes, or why it could not be read. */
export interface CertMaterial {
  readonly files: CertFiles;
  readonly contents: Readonly<Record<CertRole, Buffer | undefined>>;
  /** Files that could not be read (missing, dangling symlink, permissions), with the error code. */
  readonly unreadable: ReadonlyArray<{ readonly role: CertRole; readonly path: string; readonly code: string }>;
}

/** Read the three files; never throws (an unreadable file is part of what the validator judges). */
export async function readCertMaterial(files: CertFiles): Promise<CertMaterial> {
  const contents = {} as Record<CertRole, Buffer | undefined>;
  const unreadable: Array<{ role: CertRole; path: string; code: string }> = [];
  await Promise.all(
    certRoles.map(async (role) => {
      try {
        contents[role] = await readFile(files[role]);
      } catch (e) {
        contents[role] = undefined;
        unreadable.push({ role, path: files[role], code: (e as NodeJS.ErrnoException).code ?? 'EIO' });
      }
    }),
  );
  unreadable.sort((a, b) => certRoles.indexOf(a.role) - certRoles.indexOf(b.role));
  return { files, contents, unreadable };
}

/**
 * SHA-256 over the set, in a fixed order. Istio 1.5 hashed the plain concatenation; each file here
 * is framed by its role and length, so bytes moving from one file to the next are still a change,
 * and a missing file differs from an empty one.
 */
export function hashCertMaterial(material: CertMaterial): string {
  const h = createHash('sha256');
  for (const role of certRoles) {
    const bytes = material.contents[role];
    h.update(`${role}:${bytes === undefined ? 'missing' : bytes.length}\n`);
    if (bytes) h.update(bytes);
  }
  return h.digest('hex');
}
