import type { Verdict } from './validate.js';

type Rejection = Extract<Verdict, { ok: false }>;

/**
 * Rejections by content hash, so the periodic re-hash does not parse the same bad bytes again: judging
 * is the expensive part (a hostile file can be large), hashing is not. A rejection holds until the
 * contents change, or until its `recheckAt` (a certificate not valid yet becomes valid with time).
 * Only the most recent few are kept: contents alternating between more bad sets than that are re-judged.
 */
export class RejectedVerdicts {
  readonly #byHash = new Map<string, Rejection>();

  readonly capacity: number;

  constructor(capacity = 8) {
    this.capacity = capacity;
  }

  /** The rejection judged earlier for these contents, if it still stands at `now`. */
  get(hash: string, now: number): Rejection | undefined {
    const verdict = this.#byHash.get(hash);
    if (!verdict) return undefined;
    if (verdict.recheckAt !== undefined && now >= verdict.recheckAt) {
      this.#byHash.delete(hash);
      return undefined;
    }
    return verdict;
  }

  remember(hash: string, verdict: Rejection): void {
    this.#byHash.delete(hash); // re-inserted as the newest
    this.#byHash.set(hash, verdict);
    if (this.#byHash.size > this.capacity) this.#byHash.delete(this.#byHash.keys().next().value!);
  }
}
