// The stand-in for Envoy's hot-restart shared memory: a small JSON file holding the version and
// the INITIALIZING flag. Epoch 0 replaces it; later epochs attach to it and refuse to start while
// a previous epoch is still initializing (Envoy's #726 behaviour, kept on purpose).

import { openSync, readFileSync, renameSync, unlinkSync, writeFileSync, closeSync, writeSync } from 'node:fs';

const VERSION = 11;
const SIZE = 104;

interface Segment {
  size: number;
  version: number;
  /** bit 0x1: SHMEM_FLAGS_INITIALIZING */
  flags: number;
}

export type AttachFailure =
  | { kind: 'panic'; message: string }
  | { kind: 'still-initializing' };

export class SharedMemory {
  private readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /** Epoch 0: unlink, then create exclusively, INITIALIZING set. */
  static create(path: string): SharedMemory {
    try {
      unlinkSync(path);
    } catch {
      // nothing to remove
    }
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, JSON.stringify({ size: SIZE, version: VERSION, flags: 1 } satisfies Segment));
    closeSync(fd);
    return new SharedMemory(path);
  }

  /** Epoch > 0: attach, check size and version, then set INITIALIZING unless already set. */
  static attach(path: string, shmName: string): SharedMemory | AttachFailure {
    let segment: Segment;
    try {
      segment = JSON.parse(readFileSync(path, 'utf8')) as Segment;
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : String((e as Error).message);
      return { kind: 'panic', message: `cannot open shared memory region ${shmName} check user permissions. Error: ${reason}` };
    }
    if (segment.size !== SIZE || segment.version !== VERSION) {
      return {
        kind: 'panic',
        message: 'Hot restart version mismatch! You must have hot restarted into a not-hot-restart-compatible new version of Envoy.',
      };
    }
    if ((segment.flags & 1) !== 0) return { kind: 'still-initializing' };
    const shm = new SharedMemory(path);
    shm.write({ ...segment, flags: segment.flags | 1 });
    return shm;
  }

  /** Called once workers start, so the next epoch may begin. */
  clearInitializing(): void {
    try {
      const segment = JSON.parse(readFileSync(this.path, 'utf8')) as Segment;
      this.write({ ...segment, flags: segment.flags & ~1 });
    } catch {
      // A newer epoch 0 replaced the segment; nothing of ours to clear.
    }
  }

  private write(segment: Segment): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(segment));
    renameSync(tmp, this.path);
  }
}
