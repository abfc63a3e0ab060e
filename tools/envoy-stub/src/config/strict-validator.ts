// The strict proto validator another part of the repo provides (../envoy-api). It is optional:
// it needs dev dependencies, it may not be built yet, and loading it costs ~300 ms, so
// ENVOY_STUB_STRICT=0 skips it. Only its interface is assumed here.

import type { Json } from './proto-merge.js';

interface ValidationIssue {
  readonly kind: string;
  readonly path: string;
  readonly message: string;
}

interface ValidationResult {
  readonly ok: boolean;
  readonly errors: readonly ValidationIssue[];
  readonly warnings: readonly ValidationIssue[];
  readonly envoyMessage?: string;
}

interface EnvoyApiModule {
  tryLoadEnvoyTypes(): Promise<unknown | null>;
  validateBootstrapValue(
    types: unknown,
    value: Json,
    options: { allowUnknownStaticFields?: boolean; cliProvidesNode?: boolean },
  ): ValidationResult;
  /** Newer: validates the -c file's text, with line:col and duplicate-key detection. */
  validateBootstrapText?(types: unknown, jsonText: string, options: { allowUnknownStaticFields?: boolean; cliProvidesNode?: boolean }): ValidationResult;
}

export interface StrictVerdict {
  readonly used: boolean;
  readonly error?: string;
  readonly warnings: readonly string[];
}

// A variable specifier keeps TypeScript from requiring the module at build time.
const MODULE = '../envoy-api/index.js';

export async function strictValidate(
  value: Json,
  jsonText: string | undefined,
  options: { allowUnknownStaticFields: boolean; cliProvidesNode: boolean },
): Promise<StrictVerdict> {
  let api: EnvoyApiModule;
  let types: unknown;
  try {
    api = (await import(MODULE)) as EnvoyApiModule;
    if (typeof api.tryLoadEnvoyTypes !== 'function' || typeof api.validateBootstrapValue !== 'function') {
      return { used: false, warnings: [] };
    }
    types = await api.tryLoadEnvoyTypes();
  } catch {
    return { used: false, warnings: [] };
  }
  if (types === null || types === undefined) return { used: false, warnings: [] };
  const result =
    jsonText !== undefined && typeof api.validateBootstrapText === 'function'
      ? api.validateBootstrapText(types, jsonText, options)
      : api.validateBootstrapValue(types, value, options);
  const warnings = result.warnings.map((w) => `${w.path}: ${w.message}`);
  if (result.ok) return { used: true, warnings };
  const first = result.errors[0];
  return { used: true, warnings, error: result.envoyMessage ?? (first ? `${first.path}: ${first.message}` : 'invalid bootstrap') };
}
