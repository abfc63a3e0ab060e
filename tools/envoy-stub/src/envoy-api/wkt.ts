// Well-known types have their own JSON forms (protobuf's JSON mapping): Any carries "@type",
// Duration/Timestamp/FieldMask are strings, wrappers are bare scalars, Struct/Value take any JSON.
// xDS TypedStruct is not special to protobuf, but Envoy converts it to its type_url's message.
import type { JNode, JObject } from './json-tree.js';
import { keyPath } from './json-tree.js';
import { type At, type Ctx, parseError, unknownError } from './context.js';
import { type PV, parseScalar, describe } from './values.js';
import { walkMessage } from './walker.js';

const WRAPPERS: Record<string, string> = {
  'google.protobuf.DoubleValue': 'double',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
};
/** Types whose JSON form is not an object of fields: inside an Any they go under "value". */
const SPECIAL_JSON = new Set([
  ...Object.keys(WRAPPERS),
  'google.protobuf.Duration',
  'google.protobuf.Timestamp',
  'google.protobuf.FieldMask',
  'google.protobuf.Struct',
  'google.protobuf.Value',
  'google.protobuf.ListValue',
]);
const TYPED_STRUCT = new Set(['xds.type.v3.TypedStruct', 'udpa.type.v1.TypedStruct']);
const TYPE_URL_PREFIX = 'type.googleapis.com/';
const MAX_SECONDS = 315576000000n;
const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Returns null when `name` is not a well-known type (the caller walks it as a message). */
export function walkWellKnown(ctx: Ctx, name: string, node: JNode, at: At): PV | undefined | null {
  const wrapped = WRAPPERS[name];
  if (wrapped) {
    const v = parseScalar(wrapped, node);
    if (typeof v !== 'string') return v;
    parseError(ctx, 'TYPE', at, `${name} must be a bare ${wrapped} value: ${v}`);
    return undefined;
  }
  switch (name) {
    case 'google.protobuf.Any':
      return walkAny(ctx, node, at);
    case 'google.protobuf.Duration':
      return parseDuration(ctx, node, at);
    case 'google.protobuf.Timestamp':
      return parseTimestamp(ctx, node, at);
    case 'google.protobuf.FieldMask':
      if (node.t === 'string' && /^[A-Za-z0-9_.,]*$/.test(node.v)) return { k: 'message' };
      return bad(ctx, at, `invalid FieldMask ${describe(node)}: expected a string of comma-separated paths`);
    case 'google.protobuf.Struct':
      return node.t === 'object' ? { k: 'message' } : bad(ctx, at, `expected an object for google.protobuf.Struct, got ${describe(node)}`);
    case 'google.protobuf.ListValue':
      return node.t === 'array' ? { k: 'message' } : bad(ctx, at, `expected an array for google.protobuf.ListValue, got ${describe(node)}`);
    case 'google.protobuf.Value':
      return { k: 'message' }; // any JSON value, null included
  }
  return null;
}

function bad(ctx: Ctx, at: At, message: string): undefined {
  parseError(ctx, 'TYPE', at, message);
  return undefined;
}

export function parseDuration(ctx: Ctx, node: JNode, at: At): PV | undefined {
  const m = node.t === 'string' ? DURATION.exec(node.v) : null;
  if (!m) return bad(ctx, at, `invalid google.protobuf.Duration ${describe(node)}: expected a string such as "1.5s" (at most 9 fractional digits)`);
  const [, neg, secText = '0', frac = ''] = m;
  const seconds = BigInt(secText);
  if (seconds > MAX_SECONDS) return bad(ctx, at, `google.protobuf.Duration ${describe(node)} out of range (at most ${MAX_SECONDS}s)`);
  const nanos = seconds * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
  return { k: 'duration', nanos: neg ? -nanos : nanos };
}

function parseTimestamp(ctx: Ctx, node: JNode, at: At): PV | undefined {
  const m = node.t === 'string' ? TIMESTAMP.exec(node.v) : null;
  const ms = m ? Date.parse(node.t === 'string' ? node.v : '') : NaN;
  const [, y, mo, d] = m ?? [];
  const dayOk = m && new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDate() === Number(d);
  if (!m || Number.isNaN(ms) || !dayOk || Number(y) < 1) {
    return bad(ctx, at, `invalid google.protobuf.Timestamp ${describe(node)}: expected RFC 3339, e.g. "2024-01-02T03:04:05Z"`);
  }
  return { k: 'timestamp', nanos: BigInt(ms) * 1_000_000n + BigInt((m[7] ?? '').padEnd(9, '0').slice(3) || '0') };
}

function walkAny(ctx: Ctx, node: JNode, at: At): PV | undefined {
  if (node.t !== 'object') return bad(ctx, at, `expected an object for google.protobuf.Any, got ${describe(node)}`);
  const typeEntry = node.entries.find((e) => e.key === '@type');
  if (!typeEntry) {
    if (node.entries.length === 0) return { k: 'any', typeUrl: '' };
    return bad(ctx, at, 'invalid google.protobuf.Any: missing "@type"');
  }
  const urlAt: At = { path: keyPath(at.path, '@type'), node: typeEntry.value, chain: at.chain };
  if (typeEntry.value.t !== 'string') return bad(ctx, urlAt, `"@type" must be a string, got ${describe(typeEntry.value)}`);
  const typeUrl = typeEntry.value.v;
  const type = resolveTypeUrl(ctx, typeUrl, urlAt, true);
  if (!type) return undefined;
  const rest: JObject = { t: 'object', entries: node.entries.filter((e) => e !== typeEntry), pos: node.pos };
  // Envoy validates an Any's payload on its own, so PGV messages start again at the inner type.
  const inner: At = { path: at.path, node: rest, chain: [] };
  if (SPECIAL_JSON.has(type.fullName.slice(1))) {
    for (const e of rest.entries) {
      if (e.key !== 'value') unknownError(ctx, 'UNKNOWN_FIELD', { ...inner, path: keyPath(at.path, e.key), pos: e.keyPos }, `no such field: '${e.key}' in google.protobuf.Any holding ${type.fullName.slice(1)} (use "value")`);
    }
    const value = rest.entries.find((e) => e.key === 'value');
    if (!value) return bad(ctx, at, `google.protobuf.Any holding ${type.fullName.slice(1)} needs its JSON under "value"`);
    walkMessage(ctx, type, value.value, { path: keyPath(at.path, 'value'), node: value.value, chain: [] });
  } else {
    walkMessage(ctx, type, rest, inner);
    if (TYPED_STRUCT.has(type.fullName.slice(1))) walkTypedStruct(ctx, rest, at);
  }
  return { k: 'any', typeUrl };
}

/** TypedStruct: Envoy converts `value` (a Struct) to the message named by `type_url`. */
function walkTypedStruct(ctx: Ctx, node: JObject, at: At): void {
  const url = node.entries.find((e) => e.key === 'type_url' || e.key === 'typeUrl');
  const value = node.entries.find((e) => e.key === 'value');
  if (!url || url.value.t !== 'string') return;
  const type = resolveTypeUrl(ctx, url.value.v, { path: keyPath(at.path, url.key), node: url.value, chain: [] }, false);
  if (type && value && value.value.t === 'object') {
    walkMessage(ctx, type, value.value, { path: keyPath(at.path, 'value'), node: value.value, chain: [] });
  }
}

function resolveTypeUrl(ctx: Ctx, typeUrl: string, at: At, strictPrefix: boolean): ReturnType<Ctx['types']['lookupMessage']> {
  const slash = typeUrl.lastIndexOf('/');
  if (slash < 0 || (strictPrefix && !typeUrl.startsWith(TYPE_URL_PREFIX))) {
    bad(ctx, at, `Invalid type URL, type URLs must be of the form '${TYPE_URL_PREFIX}<typename>', got '${typeUrl}'`);
    return undefined;
  }
  const name = typeUrl.slice(slash + 1);
  const type = ctx.types.lookupMessage(name);
  if (!type) {
    parseError(ctx, 'UNKNOWN_ANY_TYPE', at, `Invalid type URL, unknown type: ${name} for type Any`);
    return undefined;
  }
  const broken = ctx.types.stats.unresolved.find((u) => u.type === name);
  if (broken) {
    bad(ctx, at, `type ${name} could not be loaded: ${broken.reason}`);
    return undefined;
  }
  return type;
}
