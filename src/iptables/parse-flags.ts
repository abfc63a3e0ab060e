// A pflag-compatible command line: `-p 15001`, `-p15001`, `-p=15001`, `-nf` (bool shorthands
// clustered), `--envoy-port 15001`, `--envoy-port=15001`, `--dry-run`, `--restore-format=false`,
// `-x ""` (an empty value is a value) and `--` ending the flags. Positional arguments are accepted
// and ignored, as Istio's root command does.
import { closest } from '../flags/did-you-mean.js';
import { AgentError, ErrorCodes, flagError } from '../errors/index.js';
import { findLong, findShort, flagDefs, type FlagDef } from './flags.js';

export interface ParsedFlags {
  /** Values of the flags given explicitly, by long name (the last occurrence wins). */
  readonly explicit: ReadonlyMap<string, string>;
  readonly help: boolean;
  readonly positionals: readonly string[];
}

const goTrue = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const goFalse = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** Go's strconv.ParseBool, which is what pflag and viper accept for a bool. */
export function parseGoBool(text: string): boolean | undefined {
  if (goTrue.has(text)) return true;
  if (goFalse.has(text)) return false;
  return undefined;
}

function displayName(def: FlagDef): string {
  return def.short ? `-${def.short}/--${def.long}` : `--${def.long}`;
}

function boolValue(def: FlagDef, text: string): string {
  const b = parseGoBool(text);
  if (b === undefined) throw flagError(displayName(def), text, 'true or false');
  return String(b);
}

function unknownLong(name: string): AgentError {
  const suggestion = closest(name, flagDefs.map((d) => d.long));
  const hint = suggestion ? `; did you mean --${suggestion}?` : '; see istio-iptables --help';
  return new AgentError(ErrorCodes.UNKNOWN_FLAG, `unknown flag --${name}${hint}`);
}

function missingValue(def: FlagDef): AgentError {
  return new AgentError(ErrorCodes.USAGE, `flag ${displayName(def)} needs a value (${def.kind === 'duration' ? 'a duration such as 5s' : 'use "" for an empty one'})`);
}

export function parseFlags(argv: readonly string[]): ParsedFlags {
  const explicit = new Map<string, string>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (name === 'help') {
        help = true;
        continue;
      }
      const def = findLong(name);
      if (!def) throw unknownLong(name);
      if (def.kind === 'bool') {
        explicit.set(def.long, eq === -1 ? 'true' : boolValue(def, arg.slice(eq + 1)));
      } else if (eq !== -1) {
        explicit.set(def.long, arg.slice(eq + 1));
      } else {
        if (i + 1 >= argv.length) throw missingValue(def);
        explicit.set(def.long, argv[++i]!);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      i = parseShortCluster(argv, i, explicit, () => (help = true));
      continue;
    }
    positionals.push(arg);
  }
  return { explicit, help, positionals };
}

/** One `-abc` argument; returns the index of the last argv element it consumed. */
function parseShortCluster(argv: readonly string[], i: number, explicit: Map<string, string>, onHelp: () => void): number {
  const cluster = argv[i]!.slice(1);
  for (let j = 0; j < cluster.length; j++) {
    const letter = cluster[j]!;
    if (letter === 'h') {
      onHelp();
      continue;
    }
    const def = findShort(letter);
    if (!def) {
      throw new AgentError(ErrorCodes.UNKNOWN_FLAG, `unknown shorthand flag '${letter}' in -${cluster}; see istio-iptables --help`);
    }
    const rest = cluster.slice(j + 1);
    if (def.kind === 'bool') {
      if (rest.startsWith('=')) {
        explicit.set(def.long, boolValue(def, rest.slice(1)));
        return i;
      }
      explicit.set(def.long, 'true');
      continue;
    }
    if (rest.length > 0) {
      explicit.set(def.long, rest.startsWith('=') ? rest.slice(1) : rest);
      return i;
    }
    if (i + 1 >= argv.length) throw missingValue(def);
    explicit.set(def.long, argv[i + 1]!);
    return i + 1;
  }
  return i;
}
