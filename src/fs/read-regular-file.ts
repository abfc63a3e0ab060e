import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { kindOf } from './file-kind.js';

// Start-up reads of a file that a flag or an environment variable names (bootstrap template, custom
// config): synchronous is fine before anything runs, but a path may name a FIFO (a blocking read no
// signal can interrupt), /dev/zero (a read that never ends) or a huge file. So: open non-blocking,
// fstat the descriptor we opened (not the path, which could be swapped in between), accept only a
// regular file, and never read more than the cap + 1 bytes. Imports nothing of the agent: callers
// turn the reason into their own error.

/** Templates and bootstraps are tens of KiB; a MiB leaves room and still bounds memory at start-up. */
export const startupFileCapBytes = 1024 * 1024;

export class UnreadableFileError extends Error {
  /** Why, in a few words: "ENOENT", "is a FIFO, not a regular file", "is larger than 1 MiB". */
  readonly reason: string;
  constructor(path: string, reason: string) {
    super(`cannot read ${JSON.stringify(path)}: ${reason}`);
    this.name = 'UnreadableFileError';
    this.reason = reason;
  }
}

export function readRegularFileSync(path: string, capBytes: number = startupFileCapBytes): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. Regular files ignore it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UnreadableFileError(path, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new UnreadableFileError(path, `is ${kindOf(stats)}, not a regular file`);
    const tooLarge = (): UnreadableFileError => new UnreadableFileError(path, `is larger than ${sizeText(capBytes)}`);
    if (stats.size > capBytes) throw tooLarge();
    // /proc-like files report size 0 yet have content, and a file may grow while we read: read to EOF,
    // at most cap + 1 bytes, so "too large" is detected without holding more than that.
    let out = Buffer.alloc(Math.min(capBytes + 1, Math.max(stats.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === out.length) {
        if (out.length > capBytes) throw tooLarge();
        const bigger = Buffer.alloc(Math.min(capBytes + 1, out.length * 2));
        out.copy(bigger, 0, 0, length);
        out = bigger;
      }
      const n = readSync(fd, out, length, out.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > capBytes) throw tooLarge();
    return out.toString('utf8', 0, length);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    throw new UnreadableFileError(path, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  } finally {
    closeSync(fd);
  }
}

function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
