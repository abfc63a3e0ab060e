import { systemClock, type Clock } from './clock.js';

// Named one-shot timers: setting a name again replaces it, so a state can never leave two behind.
export class Timers {
  readonly #cancels = new Map<string, () => void>();

  private readonly clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.clock = clock;
  }

  set(name: string, ms: number, fire: () => void): void {
    this.clear(name);
    this.#cancels.set(
      name,
      this.clock.setTimeout(() => {
        this.#cancels.delete(name);
        fire();
      }, ms),
    );
  }

  has(name: string): boolean {
    return this.#cancels.has(name);
  }

  clear(name: string): void {
    this.#cancels.get(name)?.();
    this.#cancels.delete(name);
  }

  clearAll(): void {
    for (const cancel of this.#cancels.values()) cancel();
    this.#cancels.clear();
  }
}
