// Walks a JSON tree against a message type the way protobuf's JSON parser does for Envoy:
// every key must name a field (snake_case or lowerCamel), values must have the field's JSON shape,
// `null` means unset, and at most one member of a oneof may be set. PGV rules run per message.
import type { Type } from 'protobufjs';
import type { JNode, JObject } from './json-tree.js';
import { keyPath, indexPath } from './json-tree.js';
import { type At, type Ctx, parseError, unknownError, warn } from './context.js';
import { type FieldInfo, type MessageInfo, messageInfo } from './schema.js';
import { type PV, parseScalar, describe } from './values.js';
import { walkWellKnown } from './wkt.js';
import { checkFieldRules, checkRequiredOneofs, type FieldValue } from './pgv.js';

const DEPRECATION_TAIL =
  'This configuration will be removed from Envoy soon. Please see https://www.envoyproxy.io/docs/envoy/latest/version_history/version_history for details.';

/** Validates one message value; returns what PGV needs to know about it. */
export function walkMessage(ctx: Ctx, type: Type, node: JNode, at: At): PV | undefined {
  const name = type.fullName.slice(1);
  const wk = walkWellKnown(ctx, name, node, at);
  if (wk !== null) return wk;
  if (node.t !== 'object') {
    parseError(ctx, 'TYPE', at, `expected an object for message ${name}, got ${describe(node)}`);
    return undefined;
  }
  if (ctx.types.wip.has(name)) {
    warn(
      ctx,
      'WORK_IN_PROGRESS',
      at,
      `message '${name}' is contained in proto file '${type.filename ?? '?'}' marked as work-in-progress. API features marked as work-in-progress are not considered stable and are subject to breaking changes.`,
    );
  }
  walkObject(ctx, messageInfo(type), node, at);
  return { k: 'message' };
}

function walkObject(ctx: Ctx, info: MessageInfo, node: JObject, at: At): void {
  const set = new Map<string, JNode>(); // field name -> value, nulls excluded
  const values = new Map<string, FieldValue>();
  const spelledAs = new Map<string, string>();
  for (const { key, keyPos, value } of node.entries) {
    const fieldAt: At = { path: keyPath(at.path, key), node: value, chain: at.chain };
    const fi = info.byJsonKey.get(key);
    if (!fi) {
      const reserved = info.isReserved(key) ? ' (the field is reserved: it was removed from the API)' : '';
      unknownError(ctx, 'UNKNOWN_FIELD', { ...fieldAt, pos: keyPos }, `no such field: '${key}' in message ${info.fullName}${reserved}`);
      continue;
    }
    const other = spelledAs.get(fi.name);
    if (other !== undefined) {
      parseError(ctx, 'DUPLICATE_FIELD', { ...fieldAt, pos: keyPos }, `field '${fi.name}' is set twice: as '${other}' and as '${key}'`);
      continue;
    }
    spelledAs.set(fi.name, key);
    if (value.t === 'null' && fi.type !== 'google.protobuf.Value') continue; // null = unset
    set.set(fi.name, value);
    if (fi.deprecated || fi.disallowedByDefault) {
      const text = `Using deprecated option '${info.fullName}.${fi.name}' from file ${baseName(info.file)}. ${DEPRECATION_TAIL}`;
      const keyAt = { ...fieldAt, pos: keyPos };
      if (fi.disallowedByDefault) ctx.errors.push({ ...issueOf(keyAt), kind: 'DEPRECATED', message: `${text} It is disallowed by default.` });
      else warn(ctx, 'DEPRECATED', keyAt, text);
    }
    const frame = `${info.shortName}.${pascal(fi.name)}`;
    values.set(fi.name, walkField(ctx, fi, value, fieldAt, frame));
  }
  for (const [oneof, members] of info.oneofs) {
    const present = members.filter((m) => set.has(m.name));
    if (present.length > 1) {
      const second = present[1] as FieldInfo;
      const key = spelledAs.get(second.name) ?? second.name;
      parseError(ctx, 'ONEOF', { path: keyPath(at.path, key), node: set.get(second.name), chain: at.chain }, `oneof '${oneof}' is already set (fields ${present.map((m) => `'${m.name}'`).join(' and ')} are both set)`);
    }
  }
  if (!info.pgvDisabled) {
    for (const fi of info.fields) {
      const key = spelledAs.get(fi.name) ?? fi.jsonName;
      const fieldAt: At = { path: keyPath(at.path, key), node: set.get(fi.name) ?? node, chain: at.chain };
      checkFieldRules(ctx, info, fi, values.get(fi.name), fieldAt);
    }
    checkRequiredOneofs(ctx, info, set, at);
  }
  ctx.onMessage?.(ctx, info, set, at);
}

function walkField(ctx: Ctx, fi: FieldInfo, node: JNode, at: At, frame: string): FieldValue {
  if (fi.map) {
    if (node.t !== 'object') {
      parseError(ctx, 'TYPE', at, `expected an object for map field '${fi.name}', got ${describe(node)}`);
      return { kind: 'invalid' };
    }
    const pairs: [PV | undefined, PV | undefined][] = [];
    for (const { key, keyPos, value } of node.entries) {
      const entryAt: At = { path: keyPath(at.path, key), node: value, chain: [...at.chain, `${frame}[${JSON.stringify(key)}]`] };
      const k = parseScalar(fi.keyType ?? 'string', { t: 'string', v: key });
      if (typeof k === 'string') parseError(ctx, 'TYPE', { ...entryAt, pos: keyPos }, `invalid map key '${key}': ${k}`);
      if (value.t === 'null') {
        parseError(ctx, 'TYPE', entryAt, `null is not allowed as a map value (map field '${fi.name}')`);
        pairs.push([typeof k === 'string' ? undefined : k, undefined]);
        continue;
      }
      pairs.push([typeof k === 'string' ? undefined : k, walkSingle(ctx, fi, value, entryAt)]);
    }
    return { kind: 'map', pairs };
  }
  if (fi.repeated) {
    if (node.t !== 'array') {
      parseError(ctx, 'TYPE', at, `expected an array for repeated field '${fi.name}', got ${describe(node)}`);
      return { kind: 'invalid' };
    }
    const items = node.items.map((item, i) => {
      const itemAt: At = { path: indexPath(at.path, i), node: item, chain: [...at.chain, `${frame}[${i}]`] };
      if (item.t === 'null' && fi.type !== 'google.protobuf.Value') {
        parseError(ctx, 'TYPE', itemAt, `null is not allowed in repeated field '${fi.name}'`);
        return undefined;
      }
      return walkSingle(ctx, fi, item, itemAt);
    });
    return { kind: 'list', items };
  }
  return { kind: 'single', value: walkSingle(ctx, fi, node, { ...at, chain: [...at.chain, frame] }) };
}

function walkSingle(ctx: Ctx, fi: FieldInfo, node: JNode, at: At): PV | undefined {
  if (fi.message) return walkMessage(ctx, fi.message, node, at);
  if (fi.enum) return walkEnum(ctx, fi, node, at);
  if (fi.unresolved) {
    parseError(ctx, 'TYPE', at, `type ${fi.type} of field '${fi.name}' could not be loaded (its .proto is not shipped)`);
    return undefined;
  }
  const v = parseScalar(fi.type, node);
  if (typeof v === 'string') {
    parseError(ctx, 'TYPE', at, `field '${fi.name}': ${v}`);
    return undefined;
  }
  return v;
}

function walkEnum(ctx: Ctx, fi: FieldInfo, node: JNode, at: At): PV | undefined {
  const en = fi.enum;
  if (!en) return undefined;
  if (node.t === 'number' || (node.t === 'string' && /^-?\d+$/.test(node.v) && !(node.v in en.values))) {
    const v = parseScalar('int32', node);
    if (typeof v === 'string' || v.k !== 'int') {
      parseError(ctx, 'TYPE', at, `field '${fi.name}': invalid enum number: ${String(v)}`);
      return undefined;
    }
    return { k: 'enum', v: Number(v.v) }; // proto3 enums are open: PGV defined_only decides
  }
  if (node.t !== 'string') {
    parseError(ctx, 'TYPE', at, `expected an enum name of ${en.fullName.slice(1)} for field '${fi.name}', got ${describe(node)}`);
    return undefined;
  }
  // Envoy turns on protobuf's case-insensitive enum parsing (it upper-cases the name).
  const name = node.v in en.values ? node.v : node.v.toUpperCase();
  const num = en.values[name];
  if (num === undefined) {
    const valid = Object.keys(en.values).join(', ');
    unknownError(ctx, 'UNKNOWN_ENUM', at, `invalid enum value '${node.v}' for enum ${en.fullName.slice(1)} (field '${fi.name}'); valid: ${valid}`);
    return undefined;
  }
  if (en.valuesOptions?.[name]?.deprecated === true) {
    warn(ctx, 'DEPRECATED', at, `Using deprecated value '${name}' for enum '${en.fullName.slice(1)}' from file ${baseName(en.filename ?? '')}. ${DEPRECATION_TAIL}`);
  }
  return { k: 'enum', v: num };
}

function issueOf(at: At): { path: string; line?: number; col?: number } {
  const pos = at.pos ?? at.node?.pos;
  return pos ? { path: at.path, line: pos.line, col: pos.col } : { path: at.path };
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

export function pascal(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/g, (_m, _u: string, c: string) => c.toUpperCase());
}
