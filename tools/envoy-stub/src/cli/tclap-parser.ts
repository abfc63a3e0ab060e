// A re-implementation of how TCLAP (Envoy's argument library) reads argv: exact names only, the
// delimiter is a space (so "--drain-time-s=5" is an unknown argument), every value option may be
// given once, uint32 values are read the way an istream reads them. Built-ins: -h/--help,
// --version and "--" (ignore the rest), processed in argv order like TCLAP's visitors.

import { findByToken, tclapArgId, type OptionSpec } from './option-table.js';

/** TCLAP's ArgException: argId is the raw token, or "(--flag)" for a known option. */
export class TclapParseError extends Error {
  readonly errorText: string;
  readonly argId: string;

  constructor(
    errorText: string,
    argId: string,
  ) {
    super(`${argId} -- ${errorText}`);
    this.errorText = errorText;
    this.argId = argId;
  }
}

export type RawValues = Map<string, string | number | boolean | string[]>;

export type ParseOutcome =
  | { kind: 'values'; values: RawValues }
  | { kind: 'help' }
  | { kind: 'version' };

const UINT32_MAX = 4294967295;

/** istream >> uint32_t, repeated until the string is consumed, as TCLAP's ExtractValue does. */
export function extractUint32(text: string): number {
  const fail = (): never => {
    throw new Error(`Couldn't read argument value from string '${text}'`);
  };
  const tokens = text.match(/\S+/g) ?? [];
  if (tokens.length > 1) {
    // The first read succeeds and stops at whitespace; the second read decides the outcome.
    if (tokens.every((tok) => /^[+-]?\d+$/.test(tok))) {
      throw new Error(`More than one valid value parsed from string '${text}'`);
    }
    fail();
  }
  if (tokens.length === 0) return 0;
  const m = /^([+-]?)(\d+)$/.exec(tokens[0]!);
  if (!m) return fail();
  const magnitude = BigInt(m[2]!);
  if (magnitude > BigInt(UINT32_MAX)) return fail();
  // libstdc++ reads "-N" into an unsigned type as its two's-complement wrap.
  return m[1] === '-' ? Number((BigInt(UINT32_MAX) + 1n - magnitude) % (BigInt(UINT32_MAX) + 1n)) : Number(magnitude);
}

function readValue(spec: OptionSpec, text: string): string | number {
  if (spec.kind !== 'uint32') return text;
  try {
    return extractUint32(text);
  } catch (e) {
    throw new TclapParseError((e as Error).message, tclapArgId(spec));
  }
}

export function parseArgv(argv: readonly string[]): ParseOutcome {
  const values: RawValues = new Map();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--' || token === '--ignore_rest') break;
    if (token === '-h' || token === '--help') return { kind: 'help' };
    if (token === '--version') return { kind: 'version' };
    // TCLAP splits a token at its delimiter (a space), not at '='.
    const space = token.indexOf(' ');
    const name = space >= 0 ? token.slice(0, space) : token;
    const inlineValue = space >= 0 ? token.slice(space + 1) : undefined;
    const spec = findByToken(name);
    if (!spec) throw new TclapParseError("Couldn't find match for argument", token);
    const seen = values.has(spec.name);
    if (spec.kind === 'switch') {
      if (seen) throw new TclapParseError('Argument already set!', tclapArgId(spec));
      values.set(spec.name, true);
      continue;
    }
    if (seen && spec.kind !== 'multi-string') throw new TclapParseError('Argument already set!', tclapArgId(spec));
    let text = inlineValue;
    if (text === undefined || text === '') {
      i++;
      if (i >= argv.length) throw new TclapParseError('Missing a value for this argument!', tclapArgId(spec));
      text = argv[i]!;
    }
    if (spec.kind === 'multi-string') {
      const list = (values.get(spec.name) as string[] | undefined) ?? [];
      list.push(text);
      values.set(spec.name, list);
    } else {
      values.set(spec.name, readValue(spec, text));
    }
  }
  return { kind: 'values', values };
}
