/** The clock the debouncer reads and arms (a manual one in tests; structurally the supervisor's Clock). */
export interface DebounceTimers {
  now(): number;
  /** Call `fire` after `ms`; the returned function cancels it. */
  setTimeout(fire: () => void, ms: number): () => void;
}

const realTimers: DebounceTimers = {
  now: () => Date.now(),
  setTimeout(fire, ms) {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * Trailing debounce with a ceiling: fires `quietMs` after the last poke, but never later than
 * `maxWaitMs` after the first one, so a file that keeps changing cannot postpone the check forever.
 * (Istio 1.5 fired a fixed 10 s after the first event; a trailing window reacts faster to a single
 * kubelet swap and still coalesces a burst.)
 */
export class Debouncer {
  #cancelTimer: (() => void) | undefined;
  #firstAt = 0;

  readonly quietMs: number;
  readonly maxWaitMs: number;
  readonly fire: () => void;
  readonly timers: DebounceTimers;

  constructor(
    quietMs: number,
    maxWaitMs: number,
    fire: () => void,
    timers: DebounceTimers = realTimers,
  ) {
    this.quietMs = quietMs;
    this.maxWaitMs = maxWaitMs;
    this.fire = fire;
    this.timers = timers;
  }

  poke(): void {
    const now = this.timers.now();
    if (this.#cancelTimer === undefined) this.#firstAt = now;
    this.#cancelTimer?.();
    const wait = Math.max(0, Math.min(this.quietMs, this.#firstAt + this.maxWaitMs - now));
    this.#cancelTimer = this.timers.setTimeout(() => {
      this.#cancelTimer = undefined;
      this.fire();
    }, wait);
  }

  get pending(): boolean {
    return this.#cancelTimer !== undefined;
  }

  cancel(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }
}
