import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { kindOf } from '../fs/file-kind.js';

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly log: Logger;
  /** Aborted when a shutdown arrives during the wait. */
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
  /** Time as the wait reads it (tests pass a virtual one); real time by default. */
  readonly clock?: WaitClock;
}

export interface WaitClock {
  now(): number;
  /** Rejects on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: WaitClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

/**
 * Istio 1.5's start-up wait under MUTUAL_TLS: poll every 100 ms until every file exists, logging with
 * a doubling interval; after the timeout, warn and let envoy start without them (as Istio did).
 * Resolves true when all files are there. "There" means a regular file (through symlinks): a FIFO or a
 * device in the secret volume is waited past like a missing file, and said once, since nothing can read
 * certificates from it (a blocking open of a FIFO would hold a thread for good). Only stat, never open.
 */
export async function waitForCertFiles(paths: readonly string[], options: WaitOptions): Promise<boolean> {
  const { timeoutMs, log, signal, pollMs = 100, clock = realClock } = options;
  const started = clock.now();
  let logDelay = 1_000;
  let nextLog = logDelay;
  const said = new Set<string>();
  const stillMissing = async (): Promise<string[]> => {
    const kinds = await Promise.all(paths.map(fileKind));
    for (const [i, kind] of kinds.entries()) {
      const path = paths[i]!;
      if (kind === undefined || kind === 'a regular file' || said.has(`${path}:${kind}`)) continue;
      said.add(`${path}:${kind}`);
      log.warn({ path, is: kind }, 'certificate file is not a regular file; waiting for a regular file in its place');
    }
    return paths.filter((_, i) => kinds[i] !== 'a regular file');
  };
  let missing = await stillMissing();
  if (missing.length === 0) return true;
  log.info({ missing, timeoutMs }, 'waiting for certificate files before starting envoy (MUTUAL_TLS)');
  for (;;) {
    try {
      await clock.sleep(pollMs, signal);
    } catch {
      log.info({ missing }, 'stopped waiting for certificate files: shutting down');
      return false;
    }
    missing = await stillMissing();
    if (signal?.aborted) {
      log.info({ missing }, 'stopped waiting for certificate files: shutting down');
      return false;
    }
    const waited = clock.now() - started;
    if (missing.length === 0) {
      log.info({ waitedMs: waited }, 'certificate files present');
      return true;
    }
    if (waited >= timeoutMs) {
      log.warn({ missing, waitedMs: waited }, 'certificate files still missing; starting envoy without them');
      return false;
    }
    if (waited >= nextLog) {
      log.info({ missing, waitedMs: waited }, 'still waiting for certificate files');
      logDelay *= 2;
      nextLog += logDelay;
    }
  }
}

/** What is at `path`, following symlinks; undefined when nothing (or a dangling link) is there. */
async function fileKind(path: string): Promise<string | undefined> {
  try {
    return kindOf(await stat(path));
  } catch {
    return undefined;
  }
}
