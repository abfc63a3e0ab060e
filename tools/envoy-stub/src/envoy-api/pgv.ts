// protoc-gen-validate rules, read from the `(validate.rules)` options in the protos. Like PGV's
// generated Validate(), rules also run on absent proto3 scalars (their default value), on absent
// repeated/map fields (empty), and message rules only check presence. Wording follows PGV's C++.
import type { Enum } from 'protobufjs';
import type { JNode } from './json-tree.js';
import { type At, type Ctx, issue } from './context.js';
import { type FieldInfo, type MessageInfo, type Rules, type RuleValue, isRules } from './schema.js';
import { type PV, defaultOf } from './values.js';
import { checkStringRules } from './pgv-string.js';

export type FieldValue =
  | { kind: 'single'; value: PV | undefined }
  | { kind: 'list'; items: (PV | undefined)[] }
  | { kind: 'map'; pairs: [PV | undefined, PV | undefined][] }
  | { kind: 'invalid' };

type Report = (message: string, suffix?: string) => void;

function reporter(ctx: Ctx, info: MessageInfo, fi: FieldInfo, at: At): Report {
  return (message, suffix = '') => {
    const frames = at.chain.map((f) => `${f}: embedded message failed validation`);
    const detail = [...frames, `${info.shortName}.${pascalName(fi.name)}${suffix}: ${message}`].join(' | caused by ');
    ctx.errors.push(issue('PGV', at, `${info.fullName}.${fi.name}${suffix}: ${message}`, detail));
  };
}

function pascalName(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/g, (_m, _u: string, c: string) => c.toUpperCase());
}

export function checkFieldRules(ctx: Ctx, info: MessageInfo, fi: FieldInfo, fv: FieldValue | undefined, at: At): void {
  const rules = fi.rules;
  if (!rules || fv?.kind === 'invalid') return;
  const report = reporter(ctx, info, fi, at);
  if (fi.map) {
    const pairs = fv?.kind === 'map' ? fv.pairs : [];
    const r = rules.map;
    if (!isRules(r) || (r.ignore_empty === true && pairs.length === 0)) return;
    countRule(report, pairs.length, r.min_pairs, r.max_pairs, 'pair');
    pairs.forEach(([k, v], i) => {
      if (k && isRules(r.keys)) applyRules(r.keys, k, undefined, (m) => report(m, `[key ${i}]`));
      if (v && isRules(r.values)) applyRules(r.values, v, fi.enum, (m) => report(m, `[${i}]`));
    });
    return;
  }
  if (fi.repeated) {
    const items = fv?.kind === 'list' ? fv.items : [];
    const r = rules.repeated;
    if (!isRules(r) || (r.ignore_empty === true && items.length === 0)) return;
    countRule(report, items.length, r.min_items, r.max_items, 'item');
    if (r.unique === true) {
      const seen = new Set(items.map(keyOf));
      if (seen.size !== items.length) report('repeated value must contain unique items');
    }
    if (isRules(r.items)) {
      const itemRules = r.items;
      items.forEach((v, i) => v && applyRules(itemRules, v, fi.enum, (m) => report(m, `[${i}]`)));
    }
    return;
  }
  let value = fv?.kind === 'single' ? fv.value : undefined;
  if (!fv) {
    if (fi.oneof) return; // PGV only validates the oneof member that is set
    if (fi.message || fi.unresolved) {
      const required = ['message', 'duration', 'any', 'timestamp'].some((g) => {
        const r = rules[g];
        return isRules(r) && r.required === true;
      });
      if (required) report('value is required');
      return;
    }
    value = defaultOf(fi.type, Boolean(fi.enum));
  }
  if (value) applyRules(rules, value, fi.enum, report);
}

export function checkRequiredOneofs(ctx: Ctx, info: MessageInfo, set: Map<string, JNode>, at: At): void {
  for (const oneof of info.requiredOneofs) {
    const members = info.oneofs.get(oneof) ?? [];
    if (members.some((m) => set.has(m.name))) continue;
    const frames = at.chain.map((f) => `${f}: embedded message failed validation`);
    const detail = [...frames, `${info.shortName}.${pascalName(oneof)}: value is required`].join(' | caused by ');
    const names = members.map((m) => m.name).join(', ');
    ctx.errors.push(issue('PGV', at, `${info.fullName}: oneof '${oneof}' is required: set one of ${names}`, detail));
  }
}

function countRule(report: Report, n: number, min: RuleValue | undefined, max: RuleValue | undefined, what: string): void {
  if (typeof min === 'number' && n < min) report(`value must contain at least ${min} ${what}(s)`);
  if (typeof max === 'number' && n > max) report(`value must contain no more than ${max} ${what}(s)`);
}

function keyOf(v: PV | undefined): string {
  if (!v) return 'undefined';
  switch (v.k) {
    case 'bytes':
      return `b:${v.v.toString('hex')}`;
    case 'duration':
    case 'timestamp':
      return `${v.k}:${v.nanos}`;
    case 'any':
      return `any:${v.typeUrl}`;
    case 'message':
      return `m:${Math.random()}`; // PGV only checks unique on scalars
    default:
      return `${v.k}:${String(v.v)}`;
  }
}

const NUMERIC = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'float', 'double']);

/** Applies every rule group that fits the value's kind (wrappers get their scalar's rules). */
function applyRules(rules: Rules, v: PV, en: Enum | undefined, report: Report): void {
  for (const [group, r] of Object.entries(rules)) {
    if (!isRules(r) || (r.ignore_empty === true && isEmpty(v))) continue;
    if (group === 'string' && v.k === 'string') checkStringRules(r, v.v, report);
    else if (group === 'bytes' && v.k === 'bytes') checkBytesRules(r, v.v, report);
    else if (NUMERIC.has(group) && (v.k === 'int' || v.k === 'float')) checkNumber(r, v.v, String, report);
    else if (group === 'bool' && v.k === 'bool' && typeof r.const === 'boolean' && v.v !== r.const) report(`value must equal ${r.const}`);
    else if (group === 'enum' && v.k === 'enum') checkEnum(r, v.v, en, report);
    else if (group === 'duration' && v.k === 'duration') checkNumber(r, v.nanos, fmtDuration, report, durationNanos);
    else if (group === 'timestamp' && v.k === 'timestamp') checkNumber(r, v.nanos, (n) => `${n}ns`, report, durationNanos);
    else if (group === 'any' && v.k === 'any') checkAny(r, v.typeUrl, report);
  }
}

function isEmpty(v: PV): boolean {
  if (v.k === 'int') return v.v === 0n;
  if (v.k === 'float' || v.k === 'enum') return v.v === 0;
  if (v.k === 'string' || v.k === 'bytes') return v.v.length === 0;
  return false;
}

type Num = bigint | number;

function toNum(r: RuleValue | undefined, like: Num): Num | undefined {
  if (typeof r === 'number') return typeof like === 'bigint' ? (Number.isInteger(r) ? BigInt(r) : undefined) : r;
  if (typeof r === 'string' && /^-?\d+$/.test(r)) return typeof like === 'bigint' ? BigInt(r) : Number(r);
  return undefined;
}

function durationNanos(r: RuleValue | undefined): bigint | undefined {
  if (!isRules(r)) return undefined;
  const s = typeof r.seconds === 'number' || typeof r.seconds === 'string' ? BigInt(r.seconds) : 0n;
  const n = typeof r.nanos === 'number' ? BigInt(r.nanos) : 0n;
  return s * 1_000_000_000n + n;
}

function fmtDuration(nanos: Num): string {
  const n = BigInt(nanos);
  const sign = n < 0n ? '-' : '';
  const abs = n < 0n ? -n : n;
  const frac = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / 1_000_000_000n}${frac ? `.${frac}` : ''}s`;
}

/** const / in / not_in / gt / gte / lt / lte, with PGV's range wording when both ends are set. */
function checkNumber<T extends Num>(r: Rules, v: T, fmt: (n: Num) => string, report: Report, conv?: (r: RuleValue | undefined) => Num | undefined): void {
  const get = (key: string): Num | undefined => (conv ? conv(r[key]) : toNum(r[key], v));
  const list = (key: string): Num[] => {
    const raw = r[key];
    return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((x) => (conv ? conv(x) : toNum(x, v))).filter((x): x is Num => x !== undefined);
  };
  const c = get('const');
  if (c !== undefined && v != c) report(`value must equal ${fmt(c)}`);
  const inList = list('in');
  if (inList.length && !inList.some((x) => x == v)) report(`value must be in list [${inList.map(fmt).join(', ')}]`);
  if (list('not_in').some((x) => x == v)) report(`value must not be in list [${list('not_in').map(fmt).join(', ')}]`);
  const gt = get('gt');
  const gte = get('gte');
  const lt = get('lt');
  const lte = get('lte');
  const lowOk = (gt === undefined || v > gt) && (gte === undefined || v >= gte);
  const highOk = (lt === undefined || v < lt) && (lte === undefined || v <= lte);
  if (lowOk && highOk) return;
  const low = gt !== undefined ? `(${fmt(gt)}` : gte !== undefined ? `[${fmt(gte)}` : undefined;
  const high = lt !== undefined ? `${fmt(lt)})` : lte !== undefined ? `${fmt(lte)}]` : undefined;
  if (low && high) report(`value must be inside range ${low}, ${high}`);
  else if (gt !== undefined) report(`value must be greater than ${fmt(gt)}`);
  else if (gte !== undefined) report(`value must be greater than or equal to ${fmt(gte)}`);
  else if (lt !== undefined) report(`value must be less than ${fmt(lt)}`);
  else if (lte !== undefined) report(`value must be less than or equal to ${fmt(lte)}`);
}

function checkEnum(r: Rules, v: number, en: Enum | undefined, report: Report): void {
  if (r.defined_only === true && en && !(v in en.valuesById)) report('value must be one of the defined enum values');
  checkNumber(r, BigInt(v), String, report);
}

function checkBytesRules(r: Rules, v: Buffer, report: Report): void {
  if (r.ignore_empty === true && v.length === 0) return;
  if (typeof r.len === 'number' && v.length !== r.len) report(`value length must be ${r.len} bytes`);
  if (typeof r.min_len === 'number' && v.length < r.min_len) report(`value length must be at least ${r.min_len} bytes`);
  if (typeof r.max_len === 'number' && v.length > r.max_len) report(`value length must be at most ${r.max_len} bytes`);
}

function checkAny(r: Rules, typeUrl: string, report: Report): void {
  const list = (raw: RuleValue | undefined): string[] => (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
  const inList = list(r.in);
  if (inList.length && !inList.includes(typeUrl)) report(`type URL must be in list [${inList.join(', ')}]`);
  if (list(r.not_in).includes(typeUrl)) report(`type URL must not be in list [${list(r.not_in).join(', ')}]`);
}
