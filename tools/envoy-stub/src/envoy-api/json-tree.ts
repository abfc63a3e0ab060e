// A JSON tree that keeps what JSON.parse throws away: the raw text of numbers (so int64 ranges
// can be checked exactly with BigInt), the position of every value and key order with duplicates.

export interface Pos {
  line: number;
  col: number;
}

interface Base {
  pos?: Pos;
}
export interface JObject extends Base {
  t: 'object';
  entries: JEntry[];
}
export interface JEntry {
  key: string;
  keyPos?: Pos;
  value: JNode;
}
export interface JArray extends Base {
  t: 'array';
  items: JNode[];
}
export interface JString extends Base {
  t: 'string';
  v: string;
}
export interface JNumber extends Base {
  t: 'number';
  /** The number exactly as written. */
  raw: string;
  v: number;
}
export interface JBool extends Base {
  t: 'bool';
  v: boolean;
}
export interface JNull extends Base {
  t: 'null';
}
export type JNode = JObject | JArray | JString | JNumber | JBool | JNull;

/** Human name of a JSON node's type, for messages. */
export function jsonTypeName(n: JNode): string {
  return n.t === 'bool' ? 'boolean' : n.t;
}

/** Looks a key up under its snake_case name or its lowerCamel spelling. */
export function getField(obj: JNode | undefined, snake: string): JNode | undefined {
  if (!obj || obj.t !== 'object') return undefined;
  const camel = lowerCamel(snake);
  for (const e of obj.entries) if (e.key === snake || e.key === camel) return e.value;
  return undefined;
}

/** protoc's json_name rule: drop each underscore and upper-case the letter after it. */
export function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/_/g, '');
}

export function strValue(n: JNode | undefined): string | undefined {
  return n?.t === 'string' ? n.v : undefined;
}

export function arrayItems(n: JNode | undefined): JNode[] {
  return n?.t === 'array' ? n.items : [];
}

const IDENT = /^[A-Za-z_@][A-Za-z0-9_@]*$/;

export function keyPath(base: string, key: string): string {
  if (IDENT.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

export function indexPath(base: string, i: number): string {
  return `${base}[${i}]`;
}

/** Builds a tree (without positions) from an already parsed JS value. */
/** The plain JS value of a tree (what JSON.parse would give, with duplicates already merged). */
export function toValue(n: JNode): unknown {
  switch (n.t) {
    case 'object':
      return Object.fromEntries(n.entries.map((e) => [e.key, toValue(e.value)]));
    case 'array':
      return n.items.map(toValue);
    case 'null':
      return null;
    default:
      return n.v;
  }
}

export function fromValue(v: unknown): JNode {
  if (v === null || v === undefined) return { t: 'null' };
  if (typeof v === 'string') return { t: 'string', v };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'number') return { t: 'number', raw: Number.isFinite(v) ? String(v) : 'NaN', v };
  if (typeof v === 'bigint') return { t: 'number', raw: v.toString(), v: Number(v) };
  if (Array.isArray(v)) return { t: 'array', items: v.map(fromValue) };
  if (typeof v === 'object') {
    const entries: JEntry[] = [];
    for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
      if (value !== undefined) entries.push({ key, value: fromValue(value) }); // as JSON.stringify does
    }
    return { t: 'object', entries };
  }
  // functions and symbols have no JSON form; make them fail as a wrong type
  return { t: 'string', v: String(v) };
}
