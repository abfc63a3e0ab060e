// istio-iptables' command line, read by the shared parser in its Go pflag syntax: `-p 15001`,
// `-p15001`, `-p=15001`, `-nf` (bool shorthands clustered), `--envoy-port 15001`, `--envoy-port=15001`,
// `--dry-run`, `--restore-format=false`, `-x ""` (an empty value is a value) and `--` ending the flags.
// Positional arguments are accepted and ignored, as Istio's root command does. Values stay text:
// config.ts weighs each against its environment variable and default, as viper did.
import type { FlagSpec } from '../flags/flag-spec.js';
import type { FlagMessages } from '../flags/messages.js';
import { parseArgs } from '../flags/parse-args.js';
import { findLong, flagDefs, type FlagDef } from './flags.js';

export interface ParsedFlags {
  /** Values of the flags given explicitly, by long name (the last occurrence wins). */
  readonly explicit: ReadonlyMap<string, string>;
  readonly help: boolean;
  readonly positionals: readonly string[];
}

// Only bools are checked while parsing; every other value is text until config.ts resolves it.
const specs: readonly FlagSpec[] = flagDefs.map((d) => ({
  name: d.long,
  ...(d.short ? { short: d.short } : {}),
  type: d.kind === 'bool' ? 'bool' : 'string',
  default: d.defaultValue,
  help: d.help,
}));

// The wording Istio's users see; bad-flags.test.ts pins it.
const messages: Partial<FlagMessages> = {
  unknownFlag: (flag, suggestion) => `unknown flag ${flag}${suggestion ? `; did you mean --${suggestion}?` : '; see istio-iptables --help'}`,
  unknownShorthand: (letter, cluster) => `unknown shorthand flag '${letter}' in -${cluster}; see istio-iptables --help`,
  missingValue: (spec) => {
    const def = findLong(spec.name) as FlagDef;
    const name = def.short ? `-${def.short}/--${def.long}` : `--${def.long}`;
    return `flag ${name} needs a value (${def.kind === 'duration' ? 'a duration such as 5s' : 'use "" for an empty one'})`;
  },
  expected: () => 'true or false',
};

export function parseFlags(argv: readonly string[]): ParsedFlags {
  const parsed = parseArgs(argv, specs, { syntax: 'pflag', messages });
  const explicit = new Map<string, string>();
  for (const name of parsed.given) explicit.set(name, String(parsed.values[name]));
  return { explicit, help: parsed.help, positionals: parsed.positionals };
}
