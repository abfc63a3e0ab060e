// Parsed values handed from the JSON walker to the PGV rules, and the scalar parsing shared by
// fields, map keys and wrapper types. Follows protobuf's JSON mapping: 64-bit (and 32-bit)
// integers may be numbers or decimal strings, floats accept "NaN"/"Infinity", bytes are base64.
import type { JNode } from './json-tree.js';
import { jsonTypeName } from './json-tree.js';

export type PV =
  | { k: 'int'; v: bigint }
  | { k: 'float'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'string'; v: string }
  | { k: 'bytes'; v: Buffer }
  | { k: 'enum'; v: number }
  | { k: 'duration'; nanos: bigint }
  | { k: 'timestamp'; nanos: bigint }
  | { k: 'any'; typeUrl: string }
  | { k: 'message' };

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

export const SCALAR_TYPES = new Set([...Object.keys(INT_RANGES), 'double', 'float', 'bool', 'string', 'bytes']);

const MAX_FLOAT = 3.4028234663852886e38;
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/\-_]{4})*(?:[A-Za-z0-9+/\-_]{2}(?:==?)?|[A-Za-z0-9+/\-_]{3}=?)?$/;

/** Exact integer value of a decimal text, or undefined when it has a fractional part. */
export function integerOf(text: string): bigint | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const [, sign, int, frac = '', expText = '0'] = m;
  const exp = Number(expText);
  if (Math.abs(exp) > 400) return undefined; // far beyond any 64-bit range anyway
  let digits = int + frac;
  let scale = exp - frac.length; // value = digits * 10^scale
  while (scale < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale++;
  }
  if (scale < 0) return /^0*$/.test(digits) ? 0n : undefined;
  const v = BigInt(digits || '0') * 10n ** BigInt(scale);
  return sign ? -v : v;
}

/** Parses one scalar; on failure returns an error message instead. */
export function parseScalar(type: string, node: JNode): PV | string {
  const range = INT_RANGES[type];
  if (range) {
    const text = node.t === 'number' ? node.raw : node.t === 'string' ? node.v.trim() : undefined;
    if (text === undefined) return `expected an integer (${type}), got ${jsonTypeName(node)}`;
    const v = integerOf(text);
    if (v === undefined) return `invalid ${type} value ${JSON.stringify(text)}: not an integer`;
    if (v < range[0] || v > range[1]) return `${type} value ${text} out of range [${range[0]}, ${range[1]}]`;
    return { k: 'int', v };
  }
  switch (type) {
    case 'double':
    case 'float': {
      let v: number;
      if (node.t === 'number') v = node.v;
      else if (node.t === 'string' && (['NaN', 'Infinity', '-Infinity'].includes(node.v) || DECIMAL.test(node.v))) v = Number(node.v);
      else return `expected a number (${type}), got ${node.t === 'string' ? JSON.stringify(node.v) : jsonTypeName(node)}`;
      if (type === 'float' && Number.isFinite(v) && Math.abs(v) > MAX_FLOAT) return `float value ${v} out of range`;
      if (type === 'double' && node.t === 'number' && !Number.isFinite(v)) return `double value ${node.raw} out of range`;
      return { k: 'float', v };
    }
    case 'bool':
      if (node.t === 'bool') return { k: 'bool', v: node.v };
      // Envoy 1.40's protobuf JSON parser also takes a quoted word, as absl::SimpleAtob reads it (checked
      // against it: "yes", "T", "0" pass; "off" and the number 1 do not).
      if (node.t === 'string' && /^(true|t|yes|y|1|false|f|no|n|0)$/i.test(node.v)) return { k: 'bool', v: /^(true|t|yes|y|1)$/i.test(node.v) };
      return `expected true or false, got ${describe(node)}`;
    case 'string':
      return node.t === 'string' ? { k: 'string', v: node.v } : `expected a string, got ${describe(node)}`;
    case 'bytes':
      if (node.t !== 'string') return `expected a base64 string (bytes), got ${jsonTypeName(node)}`;
      if (!BASE64.test(node.v)) return `invalid base64 in bytes value`;
      return { k: 'bytes', v: Buffer.from(node.v.replace(/-/g, '+').replace(/_/g, '/'), 'base64') };
    default:
      return `unsupported scalar type ${type}`;
  }
}

export function describe(node: JNode): string {
  if (node.t === 'string') return JSON.stringify(node.v);
  if (node.t === 'number') return node.raw;
  if (node.t === 'bool') return String(node.v);
  return jsonTypeName(node);
}

/** The value PGV sees for an absent proto3 scalar. */
export function defaultOf(type: string, isEnum: boolean): PV {
  if (isEnum) return { k: 'enum', v: 0 };
  if (type in INT_RANGES) return { k: 'int', v: 0n };
  if (type === 'double' || type === 'float') return { k: 'float', v: 0 };
  if (type === 'bool') return { k: 'bool', v: false };
  if (type === 'bytes') return { k: 'bytes', v: Buffer.alloc(0) };
  return { k: 'string', v: '' };
}
