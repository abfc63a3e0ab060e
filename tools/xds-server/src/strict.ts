// protobufjs' fromObject drops keys it does not know, so a misspelt field (`port` for `port_value`) would reach
// Envoy as an absent one and fail far from the typo. This walk rejects unknown keys first, with their path.
import pb from 'protobufjs';
import { envoyRoot } from './protos.js';

function checkValue(type: pb.Type, value: unknown, path: string): void {
  if (Array.isArray(value)) return value.forEach((v, i) => checkValue(type, v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  checkMessage(type, value as Record<string, unknown>, path);
}

export function checkMessage(type: pb.Type, obj: Record<string, unknown>, path: string): void {
  let target = type;
  if (type.fullName === '.google.protobuf.Any' && typeof obj['@type'] === 'string') {
    const name = obj['@type'].slice(obj['@type'].lastIndexOf('/') + 1);
    const packed = envoyRoot().lookup(name);
    if (!(packed instanceof pb.Type)) throw new Error(`${path}: @type ${obj['@type']} is not a loaded message type (see tools/xds-server/src/protos.ts)`);
    target = packed;
  }
  for (const [key, value] of Object.entries(obj)) {
    if (key === '@type' && target !== type) continue;
    const field = target.fields[key];
    if (!field) throw new Error(`${path}: unknown field "${key}" in ${target.fullName.slice(1)}`);
    const sub = field.resolvedType;
    if (!(sub instanceof pb.Type) || value === null || typeof value !== 'object') continue;
    if (field instanceof pb.MapField) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) checkValue(sub, v, `${path}.${key}["${k}"]`);
    } else checkValue(sub, value, `${path}.${key}`);
  }
}
