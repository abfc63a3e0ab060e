import { parseGoDuration } from '../cli/duration.js';
import { AgentError, ErrorCodes } from '../errors/index.js';

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

type Env = Readonly<Record<string, string | undefined>>;

export function readCertWatchSettings(env: Env = process.env): CertWatchSettings {
  return Object.freeze({
    debounceMs: duration(env, 'FILE_DEBOUNCE_DURATION', 100, timerMax),
    rehashIntervalMs: duration(env, 'CERT_REHASH_INTERVAL', 30_000, timerMax),
    expiryWarningMs: duration(env, 'CERT_EXPIRY_WARNING', 7 * 24 * 3_600_000, Number.MAX_SAFE_INTEGER),
    startupWaitMs: 120_000,
  });
}

// setTimeout holds at most 2^31-1 ms (24.8 days); a longer timer would fire at once.
const timerMax = 2 ** 31 - 1;

function duration(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const ms = parseGoDuration(raw);
  if (ms === undefined || ms < 0 || ms > max) {
    const range = max === timerMax ? 'from 0s to 596h' : 'of 0s or more';
    throw new AgentError(ErrorCodes.BAD_ENV, `invalid value ${JSON.stringify(raw)} for ${name}: expected a Go duration ${range}, such as 100ms, 30s or 168h`);
  }
  return ms;
}
