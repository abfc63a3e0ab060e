// The strict proto validator (../envoy-api). It is optional: it needs dev dependencies (protobufjs,
// @grpc/grpc-js-xds) and loading it costs ~300 ms, so it is imported only when a bootstrap is
// validated, ENVOY_STUB_STRICT=0 skips it, and a validator that cannot load is simply not used.

import type { EnvoyTypes } from '../envoy-api/index.js';
import type { Json } from './proto-merge.js';

export interface StrictVerdict {
  readonly used: boolean;
  readonly error?: string;
  readonly warnings: readonly string[];
}

export async function strictValidate(
  value: Json,
  jsonText: string | undefined,
  options: { allowUnknownStaticFields: boolean; cliProvidesNode: boolean },
): Promise<StrictVerdict> {
  let api: typeof import('../envoy-api/index.js');
  let types: EnvoyTypes | null;
  try {
    api = await import('../envoy-api/index.js');
    types = await api.tryLoadEnvoyTypes();
  } catch {
    return { used: false, warnings: [] };
  }
  if (types === null) return { used: false, warnings: [] };
  // The -c file's text when there is one: line:col in messages, duplicate keys detected.
  const result = jsonText !== undefined ? api.validateBootstrapText(types, jsonText, options) : api.validateBootstrapValue(types, value, options);
  const warnings = result.warnings.map((w) => `${w.path}: ${w.message}`);
  if (result.ok) return { used: true, warnings };
  const first = result.errors[0];
  return { used: true, warnings, error: result.envoyMessage ?? (first ? `${first.path}: ${first.message}` : 'invalid bootstrap') };
}
