import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { AgentError, ErrorCodes } from '../errors/index.js';
import { kindOf } from './file-kind.js';

export interface ReadBounds {
  /** Refuse a file holding more than this many bytes. */
  readonly maxBytes: number;
  /** Give up on a file that has not been read after this long (a hung mount, a slow device). */
  readonly timeoutMs: number;
  /** Ends the read early, e.g. on shutdown. */
  readonly signal?: AbortSignal;
}

export type Refusal = 'not-regular' | 'too-large' | 'timeout' | 'aborted';

/** A file deliberately not read: `reason` names the path, what it is and what was expected. */
export class FileRefused extends AgentError {
  readonly path: string;
  readonly refusal: Refusal;

  constructor(
    path: string,
    refusal: Refusal,
    message: string,
  ) {
    super(ErrorCodes.FILE_REFUSED, message);
    this.path = path;
    this.refusal = refusal;
  }
}

const chunkBytes = 64 * 1024;
// O_NONBLOCK: opening a FIFO with no writer returns at once instead of holding a threadpool thread forever
// (libuv has 4); it changes nothing for a regular file. O_NOCTTY: a terminal never becomes ours.
const openFlags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * The bytes of a regular file of at most `maxBytes`, read asynchronously within `timeoutMs`. Symlinks
 * are followed (kubelet's `..data` links are the normal case); what they end at must be a regular file.
 * The path is stat-ed before the open, so a FIFO or a device is never opened, and the opened descriptor
 * is fstat-ed, so a path swapped between the two is caught. At most maxBytes + 1 bytes are read: st_size
 * is not trusted (/proc files report 0). Errno failures (ENOENT, EACCES, …) reject with the errno error.
 */
export async function readBounded(path: string, bounds: ReadBounds): Promise<Buffer> {
  const { maxBytes, timeoutMs, signal } = bounds;
  const deadline = signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs);
  const within = <T>(step: Promise<T>, onLate?: (value: T) => void): Promise<T> => bounded(step, deadline, path, timeoutMs, onLate);
  refuseUnlessRegular(path, await within(stat(path)), maxBytes);
  const handle = await within(open(path, openFlags), (late) => void late.close().catch(() => {}));
  let settled = false;
  try {
    refuseUnlessRegular(path, await within(handle.stat()), maxBytes);
    const bytes = await readUpTo(handle, maxBytes + 1, within);
    if (bytes.length > maxBytes) throw tooLarge(path, maxBytes, `more than ${maxBytes} bytes`);
    settled = true;
    return bytes;
  } finally {
    // close() waits for a pending read: after a timeout, let it close whenever that read returns.
    const closing = handle.close().catch(() => {});
    if (settled) await closing;
  }
}

async function readUpTo(handle: FileHandle, limit: number, within: <T>(step: Promise<T>) => Promise<T>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, limit - total));
    const { bytesRead } = await within(handle.read(buffer, 0, buffer.length, null));
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

function refuseUnlessRegular(path: string, s: Stats, maxBytes: number): void {
  if (!s.isFile()) throw new FileRefused(path, 'not-regular', `${path} is ${kindOf(s)}, not a regular file; expected a regular file`);
  if (s.size > maxBytes) throw tooLarge(path, maxBytes, `${s.size} bytes`);
}

function tooLarge(path: string, maxBytes: number, size: string): FileRefused {
  return new FileRefused(path, 'too-large', `${path} holds ${size}; expected a file of at most ${maxBytes} bytes`);
}

/** `step`, or a FileRefused once the deadline passes; a step that finishes late is handed to `onLate`. */
function bounded<T>(step: Promise<T>, deadline: AbortSignal, path: string, timeoutMs: number, onLate?: (value: T) => void): Promise<T> {
  const refusal = (): FileRefused =>
    deadline.reason instanceof DOMException && deadline.reason.name === 'TimeoutError'
      ? new FileRefused(path, 'timeout', `${path} was not read within ${timeoutMs} ms; expected a file that reads promptly`)
      : new FileRefused(path, 'aborted', `reading ${path} was cancelled`);
  if (deadline.aborted) {
    void step.then(onLate, () => {});
    return Promise.reject(refusal());
  }
  return new Promise<T>((resolve, reject) => {
    let late = false;
    const onAbort = (): void => {
      late = true;
      reject(refusal());
    };
    deadline.addEventListener('abort', onAbort, { once: true });
    step.then(
      (value) => {
        deadline.removeEventListener('abort', onAbort);
        if (late) onLate?.(value);
        else resolve(value);
      },
      (e: unknown) => {
        deadline.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
