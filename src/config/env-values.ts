import { parseGoDuration } from '../flags/duration.js';
import { AgentError, ErrorCodes } from '../errors/index.js';

// Typed reads of tuning variables from the environment. Every bad value is exit 2 with one line
// naming the variable, the value and what is expected; an unset or empty variable means the default.

export type Env = Readonly<Record<string, string | undefined>>;

/** setTimeout holds at most 2^31-1 ms (24.8 days); a longer timer would fire at once. */
export const timerMaxMs = 2 ** 31 - 1;

function bad(name: string, raw: string, expected: string): AgentError {
  return new AgentError(ErrorCodes.BAD_ENV, `invalid value ${JSON.stringify(raw)} for ${name}: ${expected}`);
}

/** A Go duration in ms; by default no longer than a timer can wait. */
export function envDuration(env: Env, name: string, fallbackMs: number, maxMs = timerMaxMs): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallbackMs;
  const ms = parseGoDuration(raw);
  if (ms === undefined || ms < 0 || ms > maxMs) {
    const range = maxMs === timerMaxMs ? 'from 0s to 596h' : 'of 0s or more';
    throw bad(name, raw, `expected a Go duration ${range}, such as 100ms, 30s or 168h`);
  }
  return ms;
}

export function envCount(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw bad(name, raw, `expected a whole number from ${min} to ${max}`);
  return Number(raw);
}

export function envBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw bad(name, raw, 'expected true or false');
}
