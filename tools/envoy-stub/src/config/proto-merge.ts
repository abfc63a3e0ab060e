// protobuf MergeFrom over JSON values, as Envoy applies --config-yaml on top of the -c file:
// messages (and maps) merge key by key, repeated fields append, scalars overwrite.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function protoMerge(base: Json, overlay: Json): Json {
  if (Array.isArray(base) && Array.isArray(overlay)) return [...base, ...overlay];
  if (isObject(base) && isObject(overlay)) {
    const out: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(overlay)) {
      out[key] = key in out ? protoMerge(out[key]!, value) : value;
    }
    return out;
  }
  return overlay;
}
