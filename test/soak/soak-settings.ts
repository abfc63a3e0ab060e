// What a soak run is: its seed and length (from the environment), and the agent knobs derived from them.
import { randomInt } from 'node:crypto';
import { SeededRandom } from './seeded-random.js';

export interface SoakSettings {
  readonly seed: number;
  /** Length of the chaos phase; start-up and the final drain come on top. */
  readonly chaosSeconds: number;
  /** Consecutive failed starts the agent allows (ENVOY_RESTART_BUDGET); the chaos keeps below it. */
  readonly restartBudget: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
  readonly budgetResetMs: number;
  /** Orphans each envoy start leaves behind (ENVOY_STUB_GRANDCHILDREN) and how long they live. */
  readonly orphansPerStart: number;
  readonly orphanLifetimeMs: number;
  /** How long each stub stays INITIALIZING, so not-LIVE windows are wide enough to be probed. */
  readonly liveDelayMs: number;
  readonly drain: string;
  readonly parentShutdown: string;
}

/** The short variant fits `npm test` (≤ 60 s with start-up and shutdown); SOAK_SECONDS=600 is the long run. */
export const defaultChaosSeconds = 35;

function wholeNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number, got '${text}'`);
  return Number(text);
}

export function readSoakSettings(env: NodeJS.ProcessEnv = process.env): SoakSettings {
  const seed = wholeNumber(env, 'SOAK_SEED') ?? randomInt(1, 2 ** 31);
  const chaosSeconds = wholeNumber(env, 'SOAK_SECONDS') ?? defaultChaosSeconds;
  if (chaosSeconds < 30) throw new Error('SOAK_SECONDS must be at least 30: the RSS windows (after a warm-up) and every kind of action need the time');
  // The run's own knobs come from the seed too, so a seed names the whole run.
  const knobs = new SeededRandom(seed ^ 0x5eed);
  return {
    seed,
    chaosSeconds,
    restartBudget: 8,
    backoffMs: 100,
    backoffMaxMs: 800,
    budgetResetMs: 2_000,
    orphansPerStart: knobs.int(4, 16),
    orphanLifetimeMs: knobs.int(20, 300),
    liveDelayMs: knobs.int(0, 300),
    drain: '2s',
    parentShutdown: '3s',
  };
}

/** The agent's environment for this run. */
export function agentEnv(s: SoakSettings): Record<string, string> {
  return {
    ENVOY_RESTART_BUDGET: String(s.restartBudget),
    ENVOY_RESTART_BACKOFF: `${s.backoffMs}ms`,
    ENVOY_RESTART_BACKOFF_MAX: `${s.backoffMaxMs}ms`,
    ENVOY_RESTART_BUDGET_RESET: `${s.budgetResetMs}ms`,
    ENVOY_STUB_GRANDCHILDREN: String(s.orphansPerStart),
    ENVOY_STUB_GRANDCHILD_LIFETIME_MS: String(s.orphanLifetimeMs),
    ENVOY_STUB_LIVE_DELAY_MS: String(s.liveDelayMs),
  };
}
