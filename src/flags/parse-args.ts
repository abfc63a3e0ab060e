import { AgentError, ErrorCodes, flagError } from '../errors/index.js';
import { closest } from './did-you-mean.js';
import { parseGoDuration } from './duration.js';
import type { FlagSpec, FlagValue } from './flag-spec.js';

export interface ParsedArgs {
  /** Every flag of the table, defaults filled in. */
  readonly values: Record<string, FlagValue>;
  /** Flags the user actually gave, in order (for the start-up log and compatibility warnings). */
  readonly given: readonly string[];
  readonly positionals: readonly string[];
  readonly help: boolean;
}

// cobra/pflag conventions: --flag value, --flag=value, --bool, --bool=false, -h/--help, "--" ends flags.
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values: Record<string, FlagValue> = {};
  for (const s of specs) values[s.name] = convert(s, s.default, 'default');
  const given: string[] = [];
  const positionals: string[] = [];
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const spec = byName.get(name);
    if (!spec || !arg.startsWith('--')) throw unknownFlag(arg, name, specs);

    let raw: string;
    if (eq !== -1) raw = body.slice(eq + 1);
    else if (spec.type === 'bool') raw = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && byName.has(next.slice(2).split('=')[0]!))) {
        throw new AgentError(ErrorCodes.USAGE, `flag --${name} needs a value: ${describe(spec)}`);
      }
      raw = next;
      i++;
    }
    values[name] = convert(spec, raw, 'user');
    given.push(name);
  }
  return { values, given, positionals, help };
}

function unknownFlag(arg: string, name: string, specs: readonly FlagSpec[]): AgentError {
  const suggestion = closest(name, specs.map((s) => s.name));
  const hint = suggestion ? ` (did you mean --${suggestion}?)` : '; see --help';
  return new AgentError(ErrorCodes.UNKNOWN_FLAG, `unknown flag ${arg.split('=')[0]}${hint}`);
}

function convert(spec: FlagSpec, raw: string, origin: 'default' | 'user'): FlagValue {
  const fail = (): never => {
    if (origin === 'default') throw new AgentError(ErrorCodes.INTERNAL, `bad default for --${spec.name}`);
    throw flagError(`--${spec.name}`, raw, describe(spec));
  };
  switch (spec.type) {
    case 'bool':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return fail();
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

function describe(spec: FlagSpec): string {
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
