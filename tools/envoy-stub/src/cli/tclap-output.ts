// The text TCLAP's StdOutput prints: the parse-error block, the brief usage and the --help page.
// Envoy names the program "envoy"; the stub does too, whatever path it was started from.

import { OPTION_SPECS, type OptionSpec } from './option-table.js';
import type { TclapParseError } from './tclap-parser.js';

const PROGRAM = 'envoy';
const WIDTH = 75;

/** TCLAP's spacePrint: wrap at word-ish boundaries, indent, extra indent after the first line. */
export function spacePrint(text: string, maxWidth: number, indent: number, secondLineOffset: number): string {
  if (text.length + indent <= maxWidth || maxWidth <= 0) return `${' '.repeat(indent)}${text}\n`;
  let out = '';
  let allowed = maxWidth - indent;
  let start = 0;
  while (start < text.length) {
    let len = Math.min(text.length - start, allowed);
    if (len === allowed) {
      while (len >= 0 && ![' ', ',', '|'].includes(text[start + len] ?? '')) len--;
    }
    if (len <= 0) len = allowed;
    const newline = text.slice(start, start + len).indexOf('\n');
    if (newline >= 0) len = newline + 1;
    out += `${' '.repeat(indent)}${text.slice(start, start + len)}\n`;
    if (start === 0) {
      indent += secondLineOffset;
      allowed -= secondLineOffset;
    }
    while (text[start + len] === ' ' && start < text.length) start++;
    start += len;
  }
  return out;
}

const typeName = (o: OptionSpec): string => (o.kind === 'uint32' ? 'uint32_t' : 'string');

function shortId(o: OptionSpec): string {
  const id = o.flag ? `-${o.flag}` : `--${o.name}`;
  const base = `[${id}${o.kind === 'switch' ? '' : ` <${typeName(o)}>`}]`;
  return o.kind === 'multi-string' ? `${base} ...` : base; // one space before the next id, as Envoy 1.40 prints it
}

function longId(o: OptionSpec): string {
  const value = o.kind === 'switch' ? '' : ` <${typeName(o)}>`;
  const id = `${o.flag ? `-${o.flag}${value},  ` : ''}--${o.name}${value}`;
  return o.kind === 'multi-string' ? `${id}  (accepted multiple times)` : id;
}

// TCLAP lists arguments newest-first, then its built-ins.
const BUILTINS = [
  { id: '[--]', long: '--,  --ignore_rest', help: 'Ignores the rest of the labeled arguments following this flag.' },
  { id: '[--version]', long: '--version', help: 'Displays version information and exits.' },
  { id: '[-h]', long: '-h,  --help', help: 'Displays usage information and exits.' },
];

export function briefUsage(): string {
  const ids = [...OPTION_SPECS].reverse().map(shortId).concat(BUILTINS.map((b) => b.id));
  const line = `${PROGRAM} ${ids.map((id) => ` ${id}`).join('')}`;
  return spacePrint(line, WIDTH, 3, Math.min(PROGRAM.length + 2, Math.floor(WIDTH / 2)));
}

/** stderr for a TCLAP parse error, followed by Envoy main's own line (TCLAP's what()). */
export function parseErrorText(err: TclapParseError): string {
  return (
    `PARSE ERROR: Argument: ${err.argId}\n` +
    `             ${err.errorText}\n\n` +
    `Brief USAGE: \n${briefUsage()}\n` +
    `For complete USAGE and HELP type: \n   ${PROGRAM} --help\n\n` +
    `${err.message}\n`
  );
}

export function helpText(): string {
  let out = `\nUSAGE: \n\n${briefUsage()}\n\nWhere: \n\n`;
  for (const o of [...OPTION_SPECS].reverse()) {
    out += spacePrint(longId(o), WIDTH, 3, 3) + spacePrint(o.help, WIDTH, 5, 0) + '\n';
  }
  for (const b of BUILTINS) out += spacePrint(b.long, WIDTH, 3, 3) + spacePrint(b.help, WIDTH, 5, 0) + '\n';
  return `${out}\n${spacePrint(PROGRAM, WIDTH, 3, 0)}\n`;
}
