import { envDuration, type Env } from './env-values.js';

/** How the certificate watcher reacts; environment-tunable. Durations in ms. */
export interface CertWatchSettings {
  /** Quiet time after the last file event before the files are read (FILE_DEBOUNCE_DURATION). */
  readonly debounceMs: number;
  /** A re-hash on this period catches changes whose events were lost (CERT_REHASH_INTERVAL); 0 turns it off. */
  readonly rehashIntervalMs: number;
  /** Warn when a certificate expires within this window (CERT_EXPIRY_WARNING). */
  readonly expiryWarningMs: number;
  /** With MUTUAL_TLS, how long start-up waits for the files before starting envoy anyway (Istio 1.5: 2 min). */
  readonly startupWaitMs: number;
}

export function readCertWatchSettings(env: Env = process.env): CertWatchSettings {
  return Object.freeze({
    debounceMs: envDuration(env, 'FILE_DEBOUNCE_DURATION', 100),
    rehashIntervalMs: envDuration(env, 'CERT_REHASH_INTERVAL', 30_000),
    expiryWarningMs: envDuration(env, 'CERT_EXPIRY_WARNING', 7 * 24 * 3_600_000, Number.MAX_SAFE_INTEGER),
    startupWaitMs: 120_000,
  });
}
