import { setTimeout as delay } from 'node:timers/promises';

/** Time as the supervisor sees it: real in the agent, a manual one in in-process tests. */
export interface Clock {
  now(): number;
  /** Call `fire` after `ms`; the returned function cancels it. */
  setTimeout(fire: () => void, ms: number): () => void;
  /** Pause, ending early (without an error) on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fire, ms) {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
  // timers/promises removes its abort listener when the pause ends.
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined),
};
