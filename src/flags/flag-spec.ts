// The shape of a flag table entry. One table per command drives parsing, --help and the README.

export type FlagType = 'string' | 'bool' | 'duration' | 'port' | 'uint';

export interface FlagSpec {
  readonly name: string;
  /** pflag shorthand letter (`-p 15001`); only read by the parser's 'pflag' syntax. */
  readonly short?: string;
  readonly type: FlagType;
  /** Shown in --help; the parsed default is this string run through the same parser as user input. */
  readonly default: string;
  readonly help: string;
  /** Accepted for compatibility with Istio's injectors, then ignored with a warning. */
  readonly ignored?: boolean;
  /** Allowed values (exact match), for enum-like string flags. */
  readonly choices?: readonly string[];
}

export type FlagValue = string | boolean | number;
export type FlagValues = Readonly<Record<string, FlagValue>>;
