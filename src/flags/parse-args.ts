import { AgentError, ErrorCodes } from '../errors/index.js';
import { convert, type BoolSpelling } from './convert.js';
import type { FlagSpec, FlagValue } from './flag-spec.js';
import { agentMessages, suggestFor, type FlagMessages } from './messages.js';

export interface ParsedArgs {
  /** Every flag of the table, defaults filled in. */
  readonly values: Record<string, FlagValue>;
  /** Flags the user actually gave, in order (for the start-up log and compatibility warnings). */
  readonly given: readonly string[];
  readonly positionals: readonly string[];
  readonly help: boolean;
}

export interface ParseOptions {
  /**
   * 'agent' (the default): --flag value, --flag=value, --bool, --bool=true|false|1|0, -h; a value flag
   * refuses a known --flag as its value (a forgotten value is then a usage error, not a swallowed flag).
   * 'pflag': Go pflag as Istio's Go programs parse, on top of that: shorthands `-p 15001`, `-p15001`,
   * `-p=15001`, clustered bools `-nf` (with -h among them), Go's bool spellings, and a value flag takes
   * the next argument whatever it looks like.
   */
  readonly syntax?: 'agent' | 'pflag';
  readonly messages?: Partial<FlagMessages>;
}

interface Context {
  readonly byName: ReadonlyMap<string, FlagSpec>;
  readonly specs: readonly FlagSpec[];
  readonly pflag: boolean;
  readonly bools: BoolSpelling;
  readonly messages: FlagMessages;
  readonly values: Record<string, FlagValue>;
  readonly given: string[];
}

// cobra/pflag conventions; "--" ends the flags, everything after it is positional.
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], options: ParseOptions = {}): ParsedArgs {
  const pflag = options.syntax === 'pflag';
  const cx: Context = {
    byName: new Map(specs.map((s) => [s.name, s])),
    specs,
    pflag,
    bools: pflag ? 'go' : 'agent',
    messages: { ...agentMessages, ...options.messages },
    values: {},
    given: [],
  };
  for (const s of specs) cx.values[s.name] = convert(s, s.default, 'default', cx.bools, cx.messages.expected);
  const positionals: string[] = [];
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || (arg === '-h' && !pflag) || (pflag && arg.startsWith('--help='))) {
      help = true;
    } else if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
    } else if (arg.startsWith('--')) {
      i = longFlag(cx, argv, i);
    } else if (pflag) {
      const cluster = shortCluster(cx, argv, i);
      i = cluster.last;
      help ||= cluster.help;
    } else {
      // -name: the agent's flags have no shorthands, so a single dash is a typo of "--".
      const name = arg.slice(1).split('=')[0]!;
      throw new AgentError(ErrorCodes.UNKNOWN_FLAG, cx.messages.unknownFlag(arg.split('=')[0]!, suggestFor(name, specs)));
    }
  }
  return { values: cx.values, given: cx.given, positionals, help };
}

function set(cx: Context, spec: FlagSpec, raw: string): void {
  cx.values[spec.name] = convert(spec, raw, 'user', cx.bools, cx.messages.expected);
  cx.given.push(spec.name);
}

/** `--name`, `--name=value` or `--name value`; returns the index of the last argv element it consumed. */
function longFlag(cx: Context, argv: readonly string[], i: number): number {
  const arg = argv[i]!;
  const eq = arg.indexOf('=');
  const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
  const spec = cx.byName.get(name);
  if (!spec) throw new AgentError(ErrorCodes.UNKNOWN_FLAG, cx.messages.unknownFlag(`--${name}`, suggestFor(name, cx.specs)));
  if (eq !== -1) set(cx, spec, arg.slice(eq + 1));
  else if (spec.type === 'bool') set(cx, spec, 'true');
  else {
    const next = argv[i + 1];
    if (next === undefined || (!cx.pflag && isKnownLongFlag(cx, next))) {
      throw new AgentError(ErrorCodes.USAGE, cx.messages.missingValue(spec));
    }
    set(cx, spec, next);
    return i + 1;
  }
  return i;
}

function isKnownLongFlag(cx: Context, arg: string): boolean {
  return arg.startsWith('--') && cx.byName.has(arg.slice(2).split('=')[0]!);
}

/** One `-abc` argument (pflag syntax); `last` is the index of the last argv element it consumed. */
function shortCluster(cx: Context, argv: readonly string[], i: number): { last: number; help: boolean } {
  const cluster = argv[i]!.slice(1);
  let help = false;
  for (let j = 0; j < cluster.length; j++) {
    const letter = cluster[j]!;
    if (letter === 'h') {
      help = true;
      continue;
    }
    const spec = cx.specs.find((s) => s.short === letter);
    if (!spec) throw new AgentError(ErrorCodes.UNKNOWN_FLAG, cx.messages.unknownShorthand(letter, cluster));
    const rest = cluster.slice(j + 1);
    if (spec.type === 'bool') {
      if (rest.startsWith('=')) {
        set(cx, spec, rest.slice(1));
        return { last: i, help };
      }
      set(cx, spec, 'true');
      continue;
    }
    if (rest.length > 0) {
      set(cx, spec, rest.startsWith('=') ? rest.slice(1) : rest);
      return { last: i, help };
    }
    if (i + 1 >= argv.length) throw new AgentError(ErrorCodes.USAGE, cx.messages.missingValue(spec));
    set(cx, spec, argv[i + 1]!);
    return { last: i + 1, help };
  }
  return { last: i, help };
}
