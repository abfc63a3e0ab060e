// JSON as Go's encoding/json writes it: compact, and <, >, & (plus U+2028/2029) escaped, because the
// embedded JSON in annotations and env (status, ISTIO_METAJSON_ANNOTATIONS, ISTIO_KUBE_APP_PROBERS) is
// compared byte for byte with what Istio writes. Key order is the caller's: build objects in struct order,
// or pass maps through sortedKeys() where Go would range over a map.

export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A shallow copy with keys in sorted order (Go marshals map[string]T sorted). */
export function sortedKeys<T>(map: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(map).sort()) out[k] = map[k]!;
  return out;
}

/** A deep copy with every mapping's keys sorted: Kubernetes' typed structs serialise fields alphabetically. */
export function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortedDeep(v);
    }
    return out;
  }
  return value;
}
