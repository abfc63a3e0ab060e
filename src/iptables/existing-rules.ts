// Running twice in the same pod must not fail (1.5 did: "iptables-restore: line 2 failed", then
// CrashLoopBackOff). From `iptables-save` we learn what an earlier run left behind and remove it in
// the same iptables-restore transaction that adds the new rules, so the switch is atomic.
import { splitList } from './cidr.js';
import { builtinChains, istioChains, type Table } from './rules.js';

const ours = new Set<string>(istioChains);

export interface Leftovers {
  /** `-D` lines for jumps from built-in chains, then `-F` and `-X` for each of our chains, per table. */
  readonly prelude: Map<Table, string[]>;
}

/** Read `iptables-save` output; kubevirt RETURN inserts for `nics` count as ours too. */
export function findLeftovers(saveOutput: string, kubevirtInterfaces: string): Leftovers {
  const nics = new Set(splitList(kubevirtInterfaces));
  const prelude = new Map<Table, string[]>();
  let table: Table | undefined;
  let chains: string[] = [];
  let deletes: string[] = [];
  const flush = (): void => {
    if (table && (chains.length > 0 || deletes.length > 0)) {
      prelude.set(table, [...deletes, ...chains.map((c) => `-F ${c}`), ...chains.map((c) => `-X ${c}`)]);
    }
  };
  for (const raw of saveOutput.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      flush();
      const name = line.slice(1).trim();
      table = name === 'nat' || name === 'mangle' ? name : undefined;
      chains = [];
      deletes = [];
    } else if (table && line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0]!;
      if (ours.has(chain)) chains.push(chain);
    } else if (table && line.startsWith('-A ')) {
      const words = line.split(/\s+/);
      const chain = words[1]!;
      if (builtinChains.has(chain) && isOurs(table, words, nics)) deletes.push(`-D ${words.slice(1).join(' ')}`);
    }
  }
  flush();
  return { prelude };
}

function isOurs(table: Table, words: readonly string[], nics: ReadonlySet<string>): boolean {
  const target = words[words.indexOf('-j') + 1] ?? '';
  if (ours.has(target)) return true;
  // `-A PREROUTING -i eth1 -j RETURN`: the kubevirt exemption, exactly as iptables-save prints it.
  return table === 'nat' && words.length === 6 && words[1] === 'PREROUTING' && words[2] === '-i' && nics.has(words[3]!) && target === 'RETURN';
}

/** The prelude as separate iptables argv lists (for --restore-format=false). */
export function preludeArgs(leftovers: Leftovers): string[][] {
  const out: string[][] = [];
  for (const [table, lines] of leftovers.prelude) for (const line of lines) out.push(['-t', table, ...line.split(/\s+/)]);
  return out;
}
