import type { FlagSpec } from './flag-spec.js';

/** --help text generated from the same table that parses the flags, so they cannot disagree. */
export function flagHelp(usage: string, summary: string, specs: readonly FlagSpec[]): string {
  // cobra's layout, as istio-iptables prints it: a shorthand takes the first four columns ("-h, "), so every
  // long name starts in the same column whether it has one or not, and the help column clears the longest flag.
  const flags = specs
    .filter((s) => !s.ignored)
    .map((s) => ({ left: `      --${s.name}${s.type === 'bool' ? '' : ` ${s.type}`}`, help: `${s.help}${s.default === '' ? '' : ` (default ${JSON.stringify(s.default)})`}` }));
  flags.push({ left: '  -h, --help', help: 'help for this command' });
  const width = Math.max(...flags.map((f) => f.left.length)) + 3;
  const rows = flags.map((f) => `${f.left.padEnd(width)}${f.help}`);
  const ignored = specs.filter((s) => s.ignored).map((s) => `--${s.name}`);
  const tail = ignored.length ? `\nAccepted for compatibility with Istio 1.5 and ignored:\n  ${ignored.join(' ')}\n` : '';
  return `${summary}\n\nUsage:\n  ${usage}\n\nFlags:\n${rows.join('\n')}\n${tail}`;
}
