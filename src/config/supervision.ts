import { parseGoDuration } from '../cli/duration.js';
import { AgentError, ErrorCodes } from '../errors/index.js';

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
}

type Env = Readonly<Record<string, string | undefined>>;

export function readSupervision(env: Env = process.env): SupervisionConfig {
  return Object.freeze({
    restartBudget: count(env, 'ENVOY_RESTART_BUDGET', 10),
    backoffMs: duration(env, 'ENVOY_RESTART_BACKOFF', 200),
    backoffMaxMs: duration(env, 'ENVOY_RESTART_BACKOFF_MAX', 5_000),
    budgetResetMs: duration(env, 'ENVOY_RESTART_BUDGET_RESET', 60_000),
    exitOnZeroActiveConnections: bool(env, 'EXIT_ON_ZERO_ACTIVE_CONNECTIONS', false),
    minimumDrainMs: duration(env, 'MINIMUM_DRAIN_DURATION', 5_000),
    terminationMessagePath: env.TERMINATION_MESSAGE_PATH || '/dev/termination-log',
    liveWaitMs: 20_000,
  });
}

function bad(name: string, raw: string, expected: string): AgentError {
  return new AgentError(ErrorCodes.BAD_ENV, `invalid value ${JSON.stringify(raw)} for ${name}: ${expected}`);
}

function count(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) throw bad(name, raw, 'expected a whole number from 1 to 1000');
  return Number(raw);
}

function duration(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const ms = parseGoDuration(raw);
  if (ms === undefined || ms < 0) throw bad(name, raw, 'expected a Go duration such as 200ms or 5s');
  return ms;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw bad(name, raw, 'expected true or false');
}
