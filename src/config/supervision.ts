import { envBool, envCount, envDuration, type Env } from './env-values.js';

/** How the supervisor restarts, drains and reports; environment-tunable, defaults from the issues. */
export interface SupervisionConfig {
  /** Consecutive failed starts before the agent gives up and exits 1 (ENVOY_RESTART_BUDGET). */
  readonly restartBudget: number;
  /** First back-off after a crash; doubles each time (ENVOY_RESTART_BACKOFF). */
  readonly backoffMs: number;
  /** Back-off cap (ENVOY_RESTART_BACKOFF_MAX). */
  readonly backoffMaxMs: number;
  /** An epoch LIVE this long resets the budget (ENVOY_RESTART_BUDGET_RESET). */
  readonly budgetResetMs: number;
  /** Drain until active connections reach zero instead of for the whole drainDuration. */
  readonly exitOnZeroActiveConnections: boolean;
  /** With exitOnZeroActiveConnections: drain at least this long (MINIMUM_DRAIN_DURATION). */
  readonly minimumDrainMs: number;
  /** Where a crash-looping agent leaves its last words for kubectl describe (TERMINATION_MESSAGE_PATH). */
  readonly terminationMessagePath: string;
  /** How long a hot restart waits for the current epoch to be LIVE before it restarts cold instead. */
  readonly liveWaitMs: number;
  /**
   * Minimum time between two reload-driven envoy starts (ENVOY_HOT_RESTART_MIN_INTERVAL, 0 = none).
   * 2 s: a rotation storm (a secret rewritten every 150 ms gave 28 hot restarts in 20 s) is held to
   * one start per 2 s, each epoch gets time to become LIVE and its parent time to begin draining,
   * while a single real change (minutes to hours apart) still applies at once.
   */
  readonly hotRestartMinIntervalMs: number;
}

export function readSupervision(env: Env = process.env): SupervisionConfig {
  return Object.freeze({
    restartBudget: envCount(env, 'ENVOY_RESTART_BUDGET', 10, 1, 1000),
    backoffMs: envDuration(env, 'ENVOY_RESTART_BACKOFF', 200),
    backoffMaxMs: envDuration(env, 'ENVOY_RESTART_BACKOFF_MAX', 5_000),
    budgetResetMs: envDuration(env, 'ENVOY_RESTART_BUDGET_RESET', 60_000),
    exitOnZeroActiveConnections: envBool(env, 'EXIT_ON_ZERO_ACTIVE_CONNECTIONS', false),
    minimumDrainMs: envDuration(env, 'MINIMUM_DRAIN_DURATION', 5_000),
    terminationMessagePath: env.TERMINATION_MESSAGE_PATH || '/dev/termination-log',
    liveWaitMs: 20_000,
    hotRestartMinIntervalMs: envDuration(env, 'ENVOY_HOT_RESTART_MIN_INTERVAL', 2_000),
  });
}
