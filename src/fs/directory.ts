import { closeSync, constants, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Node's mkdirSync({ recursive: true }) spins forever at 100% CPU on a path such as /proc/x: mkdir
// answers ENOENT while the parent exists, and Node retries the parent, then the child, without end.
// So missing levels are created one at a time, top down, each tried once.

/** Create `path` and its missing parents (each with `mode`); throws an Error whose message says why not. */
export function makeDirectory(path: string, mode: number): void {
  const missing: string[] = [];
  let at = resolve(path);
  for (;;) {
    const kind = entryKind(at);
    if (kind === 'directory') break;
    if (kind === 'other') throw new Error(`${at} exists and is not a directory`);
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break; // the root is missing: mkdir below reports why
    at = parent;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir, { mode });
    } catch (e) {
      // Another process may have created it meanwhile; anything else is the answer.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || entryKind(dir) !== 'directory') {
        throw new Error(`cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
  }
}

/**
 * Prove a directory takes new files by creating and removing one: access(W_OK) says yes to root on
 * directories where creating a file still fails (procfs, sysfs, some read-only mounts).
 */
export function checkWritableDirectory(path: string): void {
  const probe = join(path, `.pilot-agent-probe-${process.pid}`);
  let fd: number;
  try {
    fd = openSync(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (e) {
    throw new Error(`cannot create a file in ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  closeSync(fd);
  unlinkSync(probe);
}

/**
 * Whether makeDirectory(path) and files in it would work, without leaving anything behind: `path` is
 * a writable directory, or its nearest existing ancestor is one (so the missing levels can be made).
 */
export function checkDirectoryCreatable(path: string): void {
  let at = resolve(path);
  for (;;) {
    const kind = entryKind(at);
    if (kind === 'directory') return checkWritableDirectory(at);
    if (kind === 'other') throw new Error(`${at} exists and is not a directory`);
    const parent = dirname(at);
    if (parent === at) throw new Error(`${at} does not exist`);
    at = parent;
  }
}

function entryKind(path: string): 'directory' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (e) {
    // ENOTDIR: a parent is a file, which the walk up then reports. EACCES and the rest: say it, do not guess.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing';
    throw new Error(`cannot inspect ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
