import type { FlagSpec } from './flag-spec.js';

/** --help text generated from the same table that parses the flags, so they cannot disagree. */
export function flagHelp(usage: string, summary: string, specs: readonly FlagSpec[]): string {
  const rows = specs
    .filter((s) => !s.ignored)
    .map((s) => {
      const left = `  --${s.name}${s.type === 'bool' ? '' : ` ${s.type}`}`;
      const def = s.default === '' ? '' : ` (default ${JSON.stringify(s.default)})`;
      return `${left.padEnd(34)} ${s.help}${def}`;
    });
  const ignored = specs.filter((s) => s.ignored).map((s) => `--${s.name}`);
  const tail = ignored.length ? `\nAccepted for compatibility with Istio 1.5 and ignored:\n  ${ignored.join(' ')}\n` : '';
  return `${summary}\n\nUsage:\n  ${usage}\n\nFlags:\n${rows.join('\n')}\n  -h, --help${' '.repeat(24)} help for this command\n${tail}`;
}
