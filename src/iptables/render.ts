// The two textual forms of a rule list: iptables-restore input (one section per table) and one
// iptables command per line. Custom chains are declared once per table, in order of first use.
import { builtinChains, type Rule, type Table } from './rules.js';

/**
 * Sections come in a fixed order, mangle then nat (Istio's own later fixed order); 1.5 iterated a
 * Go map and printed them in random order. Within a section the emission order is kept.
 */
export const tableOrder: readonly Table[] = ['mangle', 'nat'];

export interface ChainDecl {
  readonly table: Table;
  readonly chain: string;
}

export function declaredChains(rules: readonly Rule[]): ChainDecl[] {
  const seen = new Set<string>();
  const out: ChainDecl[] = [];
  for (const { table, chain } of rules) {
    const key = `${table}:${chain}`;
    if (builtinChains.has(chain) || seen.has(key)) continue;
    seen.add(key);
    out.push({ table, chain });
  }
  return out;
}

/**
 * iptables-restore text: `* <table>` (asterisk, space, name — as Istio writes it), `-N` lines,
 * the rules, `COMMIT`. `prelude` lines per table go first (the clean-up of an earlier run).
 * An empty list gives the empty string.
 */
export function restoreText(rules: readonly Rule[], prelude: ReadonlyMap<Table, readonly string[]> = new Map()): string {
  const chains = declaredChains(rules);
  let text = '';
  for (const table of tableOrder) {
    const before = prelude.get(table) ?? [];
    const own = rules.filter((r) => r.table === table);
    if (before.length === 0 && own.length === 0) continue;
    const lines = [
      `* ${table}`,
      ...before,
      ...chains.filter((c) => c.table === table).map((c) => `-N ${c.chain}`),
      ...own.map((r) => r.params.join(' ')),
      'COMMIT',
    ];
    text += `${lines.join('\n')}\n`;
  }
  return text;
}

/** One argv per iptables call: every `-N` first, then the rules, in emission order. */
export function perCommandArgs(rules: readonly Rule[]): string[][] {
  return [
    ...declaredChains(rules).map((c) => ['-t', c.table, '-N', c.chain]),
    ...rules.map((r) => ['-t', r.table, ...r.params]),
  ];
}
