// From a flag's text to its typed value, and the words for what a flag expects.
import { AgentError, ErrorCodes, flagError } from '../errors/index.js';
import { parseGoDuration } from './duration.js';
import type { FlagSpec, FlagValue } from './flag-spec.js';
import { parseGoBool } from './go-bool.js';

/** Which spellings a bool accepts: the agent's own four, or all of Go's strconv.ParseBool. */
export type BoolSpelling = 'agent' | 'go';

/** How a flag is named in messages: "--name", or "-n/--name" when it has a shorthand. */
export function displayName(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}/--${spec.name}` : `--${spec.name}`;
}

export function convert(
  spec: FlagSpec,
  raw: string,
  origin: 'default' | 'user',
  bools: BoolSpelling,
  expected: (spec: FlagSpec) => string,
): FlagValue {
  const fail = (): never => {
    if (origin === 'default') throw new AgentError(ErrorCodes.INTERNAL, `bad default for --${spec.name}`);
    throw flagError(displayName(spec), raw, expected(spec));
  };
  switch (spec.type) {
    case 'bool': {
      const b = bools === 'go' ? parseGoBool(raw) : agentBool(raw);
      return b === undefined ? fail() : b;
    }
    case 'duration': {
      const ms = parseGoDuration(raw);
      return ms === undefined ? fail() : ms;
    }
    case 'port': {
      const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
      return n >= 1 && n <= 65535 ? n : fail();
    }
    case 'uint': {
      const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
      return n >= 0 && n <= 0xffffffff ? n : fail();
    }
    case 'string':
      if (spec.choices && !spec.choices.includes(raw)) return fail();
      return raw;
  }
}

function agentBool(raw: string): boolean | undefined {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  return undefined;
}

export function describe(spec: FlagSpec): string {
  switch (spec.type) {
    case 'bool':
      return 'expected true or false';
    case 'duration':
      return 'expected a Go duration such as 45s, 1m0s or 250ms';
    case 'port':
      return 'expected a port number from 1 to 65535';
    case 'uint':
      return 'expected a whole number from 0 to 4294967295';
    case 'string':
      return spec.choices ? `expected one of ${spec.choices.join(', ')}` : 'expected a value';
  }
}
