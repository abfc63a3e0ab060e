import { parseGoDuration } from '../flags/duration.js';
import { AgentError, ErrorCodes } from '../errors/index.js';
import type { Env } from './env-values.js';

/** The README's promise: a status-server client sends its complete request headers within 10 s. */
export const defaultHeadersBoundMs = 10_000;
const minHeadersBoundMs = 100;

/**
 * PILOT_AGENT_STATUS_HEADERS_TIMEOUT shortens that bound; it exists so tests can prove the bound
 * without waiting 10 s, and is documented as such. Never longer than the promise.
 */
export function readStatusHeadersBound(env: Env): number {
  const name = 'PILOT_AGENT_STATUS_HEADERS_TIMEOUT';
  const raw = env[name];
  if (raw === undefined || raw === '') return defaultHeadersBoundMs;
  const ms = parseGoDuration(raw);
  if (ms === undefined || ms < minHeadersBoundMs || ms > defaultHeadersBoundMs) {
    throw new AgentError(ErrorCodes.BAD_ENV, `invalid value ${JSON.stringify(raw)} for ${name}: expected a Go duration from 100ms to 10s, such as 1s`);
  }
  return ms;
}
