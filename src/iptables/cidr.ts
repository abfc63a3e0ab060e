// Go's net.ParseCIDR as istio-iptables used it: each CIDR is reduced to its network address
// ("10.96.0.2/24" → "10.96.0.0/24") and printed the way Go prints an IPNet (RFC 5952 for IPv6).
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  readonly family: 4 | 6;
  /** Network address and prefix length, Go-formatted: "10.0.0.0/8", "2001:db8::/32". */
  readonly text: string;
}

/** A CIDR list split by family; `*` anywhere in the list means "everything" for both families. */
export interface CidrSets {
  readonly wildcard: boolean;
  readonly v4: readonly string[];
  readonly v6: readonly string[];
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const addr = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (isIPv4(addr)) {
    if (bits > 32) return undefined;
    const bytes = addr.split('.').map(Number);
    return { family: 4, text: `${maskBytes(bytes, bits).join('.')}/${bits}` };
  }
  if (isIPv6(addr) && !addr.includes('%')) {
    if (bits > 128) return undefined;
    return { family: 6, text: `${formatIPv6(maskBytes(ipv6Bytes(addr), bits))}/${bits}` };
  }
  return undefined;
}

function maskBytes(bytes: number[], bits: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return b & (0xff << (8 - keep)) & 0xff;
  });
}

/** 16 bytes of an address node:net already accepted as IPv6 (`::`, embedded IPv4 tail). */
function ipv6Bytes(addr: string): number[] {
  let text = addr;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const front = groups(head);
  const back = rest === undefined ? [] : groups(rest);
  const words = [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

/** RFC 5952: lower-case hex, the first longest run of two or more zero groups becomes "::". */
function formatIPv6(bytes: number[]): string {
  const words = Array.from({ length: 8 }, (_, i) => (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestStart === -1) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/**
 * Split a `-i`/`-x` value. Items that are not CIDRs are skipped with Istio's warning (its
 * "bug compatibility" with the old shell script); empty items are dropped (1.5.8+).
 */
export function splitCidrs(list: string, warn: (line: string) => void): CidrSets {
  let wildcard = false;
  const v4: string[] = [];
  const v6: string[] = [];
  for (const item of splitList(list)) {
    if (item === '*') {
      wildcard = true;
      continue;
    }
    const cidr = parseCidr(item);
    if (!cidr) {
      warn(`Ignoring error for bug compatibility with istio-iptables.sh: invalid CIDR address: ${item}`);
      continue;
    }
    (cidr.family === 4 ? v4 : v6).push(cidr.text);
  }
  return { wildcard, v4, v6 };
}

/** Comma list without empty items (what 1.5.8+ does; 1.5.0–1.5.7 kept them and broke iptables). */
export function splitList(list: string): string[] {
  return list.split(',').filter((item) => item !== '');
}
