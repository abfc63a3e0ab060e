/**
 * Trailing debounce with a ceiling: fires `quietMs` after the last poke, but never later than
 * `maxWaitMs` after the first one, so a file that keeps changing cannot postpone the check forever.
 * (Istio 1.5 fired a fixed 10 s after the first event; a trailing window reacts faster to a single
 * kubelet swap and still coalesces a burst.)
 */
export class Debouncer {
  #timer: NodeJS.Timeout | undefined;
  #firstAt = 0;

  constructor(
    readonly quietMs: number,
    readonly maxWaitMs: number,
    readonly fire: () => void,
  ) {}

  poke(): void {
    const now = Date.now();
    if (this.#timer === undefined) this.#firstAt = now;
    clearTimeout(this.#timer);
    const wait = Math.max(0, Math.min(this.quietMs, this.#firstAt + this.maxWaitMs - now));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.fire();
    }, wait);
  }

  get pending(): boolean {
    return this.#timer !== undefined;
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
