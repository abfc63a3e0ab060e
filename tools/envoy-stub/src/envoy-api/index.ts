// Strict validation of Envoy v3 JSON config, modelled on how Envoy loads a bootstrap
// (MessageUtil::loadFromJson + StrictValidationVisitorImpl + PGV + server start-up checks).
// protobufjs is a dev dependency: it is only imported, dynamically, by loadEnvoyTypes().
import type { Ctx } from './context.js';
import { type JNode, fromValue } from './json-tree.js';
import { parseJsonWithPositions } from './json-parse.js';
import { walkMessage } from './walker.js';
import { checkBootstrap, checkExtension } from './semantic.js';
import { checkBuild } from './build-checks.js';
import { envoyMessage } from './summary.js';
import type { EnvoyTypes, ValidateOptions, ValidationIssue, ValidationResult } from './types.js';

export { loadEnvoyTypes, tryLoadEnvoyTypes } from './loader.js';
export type { EnvoyTypes, IssueKind, LoadStats, ValidateOptions, ValidationIssue, ValidationResult } from './types.js';

export const BOOTSTRAP_TYPE = 'envoy.config.bootstrap.v3.Bootstrap';

function finish(rootType: string, errors: ValidationIssue[], warnings: ValidationIssue[]): ValidationResult {
  const result: ValidationResult = { ok: errors.length === 0, errors, warnings };
  const line = envoyMessage(rootType, errors);
  if (line !== undefined) result.envoyMessage = line;
  return result;
}

function validateTree(types: EnvoyTypes, typeName: string, node: JNode, opts: ValidateOptions, errors: ValidationIssue[] = []): ValidationResult {
  const name = typeName.replace(/^\./, '').replace(/^type\.googleapis\.com\//, '');
  const type = types.lookupMessage(name);
  if (!type) throw new Error(`envoy-api: unknown message type ${typeName}`);
  const ctx: Ctx = { types, opts, rootType: name, errors, warnings: [], onMessage: (c, info, set, at) => {
    checkExtension(c, info, set, at);
    checkBuild(c, info, set, at);
  } };
  walkMessage(ctx, type, node, { path: '', node, chain: [] });
  if (name === BOOTSTRAP_TYPE && node.t === 'object') checkBootstrap(ctx, node);
  return finish(name, ctx.errors, ctx.warnings);
}

/** Validates any message type given as an already parsed value (no line numbers). */
export function validateMessage(types: EnvoyTypes, typeName: string, value: unknown, opts: ValidateOptions = {}): ValidationResult {
  return validateTree(types, typeName, fromValue(value), opts);
}

/** Validates a parsed bootstrap object (no line numbers). */
export function validateBootstrapValue(types: EnvoyTypes, value: unknown, opts: ValidateOptions = {}): ValidationResult {
  return validateMessage(types, BOOTSTRAP_TYPE, value, opts);
}

/** Validates any message type given as JSON text, with line:col on every issue. */
export function validateMessageText(types: EnvoyTypes, typeName: string, jsonText: string, opts: ValidateOptions = {}): ValidationResult {
  const parsed = parseJsonWithPositions(jsonText);
  const errors: ValidationIssue[] = parsed.problems.map((p) => ({ ...p }));
  if (!parsed.node) return finish(typeName, errors, []);
  return validateTree(types, typeName, parsed.node, opts, errors);
}

/** Validates bootstrap JSON text the way `envoy --mode validate` would, with line:col. */
export function validateBootstrapText(types: EnvoyTypes, jsonText: string, opts: ValidateOptions = {}): ValidationResult {
  return validateMessageText(types, BOOTSTRAP_TYPE, jsonText, opts);
}
