import { createHash } from 'node:crypto';
import type { CertFiles } from '../config/proxy-config.js';
import { FileRefused, readBounded } from '../fs/read-bounded.js';

export type CertRole = keyof CertFiles;

/** The order files are read, hashed and reported in. */
export const certRoles: readonly CertRole[] = ['certChain', 'key', 'rootCert'];

/**
 * A PEM chain of a few certificates is a few KiB; a CA bundle a few hundred. Anything bigger, or a file
 * that takes this long, is not certificate material (a symlink to /dev/zero, a hung mount).
 */
export const certFileBounds = { maxBytes: 1024 * 1024, timeoutMs: 5_000 } as const;

export interface UnreadableFile {
  readonly role: CertRole;
  readonly path: string;
  /** The errno code (ENOENT, EACCES, …), or why it was refused (not-regular, too-large, timeout, aborted). */
  readonly code: string;
  /** For a refused file: what it is and what was expected, for the log. */
  readonly reason?: string;
}

/** What a set of certificate files held at one moment: each file's bytes, or why it could not be read. */
export interface CertMaterial {
  readonly files: CertFiles;
  readonly contents: Readonly<Record<CertRole, Buffer | undefined>>;
  /** Files that could not be read (missing, dangling symlink, permissions) or were refused, and why. */
  readonly unreadable: readonly UnreadableFile[];
}

/**
 * Read the three files, each a bounded read of a regular file; never throws (an unreadable file is part
 * of what the validator judges). `signal` abandons the reads, e.g. on shutdown.
 */
export async function readCertMaterial(files: CertFiles, signal?: AbortSignal): Promise<CertMaterial> {
  const contents = {} as Record<CertRole, Buffer | undefined>;
  const unreadable: UnreadableFile[] = [];
  await Promise.all(
    certRoles.map(async (role) => {
      try {
        contents[role] = await readBounded(files[role], { ...certFileBounds, ...(signal ? { signal } : {}) });
      } catch (e) {
        contents[role] = undefined;
        if (e instanceof FileRefused) unreadable.push({ role, path: files[role], code: e.refusal, reason: e.message });
        else unreadable.push({ role, path: files[role], code: (e as NodeJS.ErrnoException).code ?? 'EIO' });
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
    // Why a file is unreadable is part of the state: a FIFO there is not the same set as no file.
    const why = material.unreadable.find((u) => u.role === role);
    h.update(`${role}:${bytes === undefined ? `missing ${why?.code ?? ''} ${why?.reason ?? ''}` : bytes.length}\n`);
    if (bytes) h.update(bytes);
  }
  return h.digest('hex');
}
