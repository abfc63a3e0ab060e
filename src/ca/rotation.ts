// The workload certificate's life: get one at start, then a new one when SECRET_GRACE_PERIOD_RATIO of its
// lifetime is left (Istio 1.5.2+: rotate when now > expire − ratio × (expire − created)), and after a CA failure
// try again with exponential back-off and jitter. Istio checked every 5 minutes; here a timer is set for the
// moment itself. Until the first certificate arrives, readiness carries the last failure's reason.
import type { Logger } from 'pino';
import type { IssuedCertificate } from './issue.js';

/** The slice of the supervisor's Clock this needs (a ManualClock in the tests). */
export interface RotationClock {
  now(): number;
  setTimeout(fire: () => void, ms: number): () => void;
}

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const defaultBackoff: Backoff = { initialMs: 250, maxMs: 30_000 };

/** setTimeout holds at most 2^31-1 ms; a longer wait is taken in steps. */
const maxTimerMs = 2 ** 31 - 1;

/** When to ask for the next certificate: `ratio` of its lifetime before it expires. */
export function rotationDue(cert: Pick<IssuedCertificate, 'receivedAt' | 'notAfter'>, ratio: number): number {
  return cert.notAfter - ratio * (cert.notAfter - cert.receivedAt);
}

/** The wait after the n-th failure in a row: doubling from initialMs up to maxMs, then a random half of it shaved. */
export function backoffDelay(failures: number, backoff: Backoff, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RotationOptions {
  readonly issue: () => Promise<IssuedCertificate>;
  readonly onIssued: (cert: IssuedCertificate) => void;
  readonly graceRatio: number;
  readonly clock: RotationClock;
  readonly log: Logger;
  readonly backoff?: Backoff;
  readonly random?: () => number;
}

export class CertificateRotation {
  #current: IssuedCertificate | undefined;
  #failures = 0;
  #lastError = 'waiting for the first certificate from the CA';
  #cancelTimer: (() => void) | undefined;
  #stopped = false;
  /** Attempts made, for the state dump and the tests. */
  attempts = 0;

  private readonly options: RotationOptions;

  constructor(options: RotationOptions) {
    this.options = options;
  }

  start(): void {
    this.#attempt('first certificate');
  }

  stop(): void {
    this.#stopped = true;
    this.#cancelTimer?.();
  }

  get current(): IssuedCertificate | undefined {
    return this.#current;
  }

  /** Why envoy cannot be ready on the certificate's account, or undefined when it has a valid one. */
  notReadyReason(): string | undefined {
    if (!this.#current) return `no workload certificate yet: ${this.#lastError}`;
    if (this.options.clock.now() >= this.#current.notAfter) return `workload certificate expired at ${new Date(this.#current.notAfter).toISOString()}; renewing failed: ${this.#lastError}`;
    return undefined;
  }

  #attempt(why: string): void {
    if (this.#stopped) return;
    this.attempts++;
    this.options.log.debug({ why, attempt: this.attempts }, 'requesting a workload certificate from the CA');
    this.options.issue().then(
      (cert) => this.#issued(cert, why),
      (e: Error) => this.#failed(e, why),
    );
  }

  #issued(cert: IssuedCertificate, why: string): void {
    if (this.#stopped) return;
    this.#current = cert;
    this.#failures = 0;
    const due = rotationDue(cert, this.options.graceRatio);
    this.options.log.info(
      { why, identity: cert.identity, serial: cert.serial, expires: new Date(cert.notAfter).toISOString(), rotatesAt: new Date(due).toISOString() },
      'workload certificate issued by the CA',
    );
    this.options.onIssued(cert);
    this.#wakeAt(due, () => this.#attempt('rotation at the grace period'));
  }

  #failed(e: Error, why: string): void {
    if (this.#stopped) return;
    this.#failures++;
    this.#lastError = e.message;
    const delay = backoffDelay(this.#failures, this.options.backoff ?? defaultBackoff, this.options.random ?? Math.random);
    this.options.log.warn({ why, reason: e.message, failures: this.#failures, retryInMs: delay, serving: this.#current?.serial }, 'CA certificate request failed; retrying');
    this.#wakeAt(this.options.clock.now() + delay, () => this.#attempt(why));
  }

  #wakeAt(at: number, fire: () => void): void {
    this.#cancelTimer?.();
    const wait = Math.max(0, at - this.options.clock.now());
    this.#cancelTimer = this.options.clock.setTimeout(() => (wait > maxTimerMs ? this.#wakeAt(at, fire) : fire()), Math.min(wait, maxTimerMs));
  }
}
