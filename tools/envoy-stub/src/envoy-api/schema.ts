// Per-message facts the walker needs, computed once per type: both JSON spellings of each field,
// oneof membership, PGV rules and deprecation, read from the options protobufjs parsed.
import type { Type, Enum, Field, MapField } from 'protobufjs';
import { lowerCamel } from './json-tree.js';
import { SCALAR_TYPES } from './values.js';

/** The `(validate.rules)` option as protobufjs parses it (keys are PGV's snake_case names). */
export type Rules = { [key: string]: RuleValue };
export type RuleValue = string | number | boolean | Rules | RuleValue[];

export interface FieldInfo {
  name: string;
  jsonName: string;
  /** Declared type name: a scalar type, or the message/enum name as written. */
  type: string;
  message?: Type;
  enum?: Enum;
  /** Set when the field's type is neither scalar nor resolved (its import was not shipped). */
  unresolved?: boolean;
  repeated: boolean;
  map: boolean;
  keyType?: string;
  oneof?: string;
  rules?: Rules;
  deprecated: boolean;
  disallowedByDefault: boolean;
}

export interface MessageInfo {
  fullName: string;
  /** PascalCase name used by PGV error messages: `ClusterValidationError`. */
  shortName: string;
  /** The .proto file that declares the message, for Envoy-style deprecation warnings. */
  file: string;
  fields: FieldInfo[];
  byJsonKey: Map<string, FieldInfo>;
  oneofs: Map<string, FieldInfo[]>;
  requiredOneofs: Set<string>;
  /** `(validate.disabled)` / `(validate.ignored)` switch PGV off for the message. */
  pgvDisabled: boolean;
  isReserved(key: string): boolean;
}

/** Merges protobufjs' parsedOptions list ([{"(validate.rules)": {...}}, {deprecated: true}]). */
export function mergeOptions(list: unknown): Rules {
  const out: Rules = {};
  if (!Array.isArray(list)) return out;
  for (const item of list as Rules[]) {
    for (const [k, v] of Object.entries(item)) out[k] = mergeRule(out[k], v);
  }
  return out;
}

function mergeRule(a: RuleValue | undefined, b: RuleValue): RuleValue {
  if (a === undefined) return b;
  if (isRules(a) && isRules(b)) {
    const out: Rules = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = mergeRule(out[k], v);
    return out;
  }
  // a repeated option (`in: 1 in: 2`) accumulates
  return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])];
}

export function isRules(v: RuleValue | undefined): v is Rules {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fieldInfo(field: Field | MapField, TypeCtor: typeof Type): FieldInfo {
  const opts = mergeOptions(field.parsedOptions);
  const rules = opts['(validate.rules)'];
  const resolved = field.resolvedType;
  const oneof = field.partOf?.name;
  return {
    name: field.name,
    jsonName: typeof field.options?.json_name === 'string' ? field.options.json_name : lowerCamel(field.name),
    type: field.type,
    message: resolved instanceof TypeCtor ? resolved : undefined,
    enum: resolved && !(resolved instanceof TypeCtor) ? (resolved as Enum) : undefined,
    unresolved: !resolved && !SCALAR_TYPES.has(field.type),
    repeated: field.repeated,
    map: field.map,
    keyType: field.map ? (field as MapField).keyType : undefined,
    oneof,
    rules: isRules(rules) ? rules : undefined,
    deprecated: field.options?.deprecated === true,
    disallowedByDefault: field.options?.['(envoy.annotations.disallowed_by_default)'] === true,
  };
}

const cache = new WeakMap<Type, MessageInfo>();

export function messageInfo(type: Type): MessageInfo {
  let info = cache.get(type);
  if (info) return info;
  const TypeCtor = type.constructor as typeof Type;
  // A tree restored from the disk cache resolves field types on first use (a no-op once resolved); a
  // type that cannot be resolved stays null and is reported as unresolved, as in a freshly parsed tree.
  for (const f of type.fieldsArray) {
    try {
      f.resolve();
    } catch {
      // recorded in stats.unresolved when the tree was parsed
    }
  }
  const fields = type.fieldsArray.map((f) => fieldInfo(f, TypeCtor));
  const byJsonKey = new Map<string, FieldInfo>();
  const oneofs = new Map<string, FieldInfo[]>();
  for (const f of fields) {
    byJsonKey.set(f.name, f);
    byJsonKey.set(f.jsonName, f);
    if (f.oneof) oneofs.set(f.oneof, [...(oneofs.get(f.oneof) ?? []), f]);
  }
  const requiredOneofs = new Set<string>();
  for (const o of type.oneofsArray) {
    if (o.options?.['(validate.required)'] === true) requiredOneofs.add(o.name);
  }
  const opts = type.options ?? {};
  info = {
    fullName: type.fullName.slice(1),
    shortName: `${type.name}ValidationError`,
    file: type.filename ?? '',
    fields,
    byJsonKey,
    oneofs,
    requiredOneofs,
    pgvDisabled: opts['(validate.disabled)'] === true || opts['(validate.ignored)'] === true,
    isReserved: (key) => type.isReservedName(key) || fields.every((f) => f.jsonName !== key) && type.reserved?.some((r) => typeof r === 'string' && lowerCamel(r) === key) === true,
  };
  cache.set(type, info);
  return info;
}
