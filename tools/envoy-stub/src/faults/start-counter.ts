// Counts starts across processes in ENVOY_STUB_STATE_DIR/starts, so a fault can hit only the
// first K starts of a supervised stub (crash, restart, then behave).

import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function withLock<T>(dir: string, fn: () => T): T {
  const lock = join(dir, 'starts.lock');
  for (let i = 0; ; i++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      if (i > 200) break; // a dead holder; proceed rather than hang a test
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Increments and returns this process's start number (1 for the first start). */
export function countStart(dir: string): number {
  mkdirSync(dir, { recursive: true });
  return withLock(dir, () => {
    const file = join(dir, 'starts');
    let n = 0;
    try {
      n = Number(readFileSync(file, 'utf8')) || 0;
    } catch {
      // first start
    }
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, String(n + 1));
    renameSync(tmp, file);
    return n + 1;
  });
}
