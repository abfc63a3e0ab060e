// The wording of usage errors. The agent's commands share one wording; a program whose messages
// are part of its interface (istio-iptables, as Istio's Go binary printed them) passes its own.
import { closest } from './did-you-mean.js';
import { describe, displayName } from './convert.js';
import type { FlagSpec } from './flag-spec.js';

export interface FlagMessages {
  /** `flag` as typed, without any "=value"; `suggestion` is the closest known long name, if any. */
  readonly unknownFlag: (flag: string, suggestion: string | undefined) => string;
  /** A letter of a `-abc` cluster that is no shorthand (pflag syntax only). */
  readonly unknownShorthand: (letter: string, cluster: string) => string;
  readonly missingValue: (spec: FlagSpec) => string;
  /** What a flag expects, ending the "invalid value" line. */
  readonly expected: (spec: FlagSpec) => string;
}

export const agentMessages: FlagMessages = {
  unknownFlag: (flag, suggestion) => `unknown flag ${flag}${suggestion ? ` (did you mean --${suggestion}?)` : '; see --help'}`,
  unknownShorthand: (letter, cluster) => `unknown shorthand flag '${letter}' in -${cluster}; see --help`,
  missingValue: (spec) => `flag ${displayName(spec)} needs a value: ${describe(spec)}`,
  expected: describe,
};

export function suggestFor(name: string, specs: readonly FlagSpec[]): string | undefined {
  return closest(name, specs.map((s) => s.name));
}
