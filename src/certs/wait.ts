import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { formatGoDuration } from '../cli/duration.js';

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly log: Logger;
  /** Aborted when a shutdown arrives during the wait. */
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
}

/**
 * Istio 1.5's start-up wait under MUTUAL_TLS: poll every 100 ms until every file exists, logging with
 * a doubling interval; after the timeout, warn and let envoy start without them (as Istio did).
 * Resolves true when all files are there.
 */
export async function waitForCertFiles(paths: readonly string[], options: WaitOptions): Promise<boolean> {
  const { timeoutMs, log, signal, pollMs = 100 } = options;
  const started = Date.now();
  let logDelay = 1_000;
  let nextLog = logDelay;
  let missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0) return true;
  log.info({ missing, timeout: formatGoDuration(timeoutMs) }, 'waiting for certificate files before starting envoy (MUTUAL_TLS)');
  for (;;) {
    try {
      await sleep(pollMs, undefined, { signal });
    } catch {
      log.info({ missing }, 'stopped waiting for certificate files: shutting down');
      return false;
    }
    missing = paths.filter((p) => !existsSync(p));
    const waited = Date.now() - started;
    if (missing.length === 0) {
      log.info({ waited: formatGoDuration(waited) }, 'certificate files present');
      return true;
    }
    if (waited >= timeoutMs) {
      log.warn({ missing, waited: formatGoDuration(waited) }, 'certificate files still missing; starting envoy without them');
      return false;
    }
    if (waited >= nextLog) {
      log.info({ missing, waited: formatGoDuration(Math.round(waited / 1000) * 1000) }, 'still waiting for certificate files');
      logDelay *= 2;
      nextLog += logDelay;
    }
  }
}
