// The state one validation run carries: where issues go, and where in the document we are.
import type { JNode } from './json-tree.js';
import type { MessageInfo } from './schema.js';
import type { EnvoyTypes, IssueKind, ValidateOptions, ValidationIssue } from './types.js';

export interface At {
  /** JSON path of the current value, as written in the document. */
  path: string;
  node?: JNode;
  /** Position to report when it is better than the node's own (a key rather than its value). */
  pos?: { line: number; col: number };
  /** PGV frames of the enclosing messages: `BootstrapValidationError.StaticResources`. */
  chain: string[];
}

export interface Ctx {
  types: EnvoyTypes;
  opts: ValidateOptions;
  /** Top-level message type: Envoy's parser names it in every error. */
  rootType: string;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** Called after each message object has been walked; the semantic checks hook in here. */
  onMessage?: (ctx: Ctx, info: MessageInfo, set: Map<string, JNode>, at: At) => void;
}

export function issue(kind: IssueKind, at: At, message: string, detail?: string): ValidationIssue {
  const pos = at.pos ?? at.node?.pos;
  const out: ValidationIssue = { kind, path: at.path, message };
  if (pos) {
    out.line = pos.line;
    out.col = pos.col;
  }
  if (detail) out.detail = detail;
  return out;
}

/** A parse-phase error, worded the way protobuf's JSON parser reports it to Envoy. */
export function parseError(ctx: Ctx, kind: IssueKind, at: At, message: string): void {
  ctx.errors.push(issue(kind, at, message, `invalid JSON in ${ctx.rootType} @ ${at.path || '<root>'}: ${message}`));
}

/** Unknown fields and enum names: errors, or warnings with --allow-unknown-static-fields. */
export function unknownError(ctx: Ctx, kind: 'UNKNOWN_FIELD' | 'UNKNOWN_ENUM', at: At, message: string): void {
  const i = issue(kind, at, message, `invalid JSON in ${ctx.rootType} @ ${at.path || '<root>'}: ${message}`);
  (ctx.opts.allowUnknownStaticFields ? ctx.warnings : ctx.errors).push(i);
}

export function warn(ctx: Ctx, kind: IssueKind, at: At, message: string): void {
  ctx.warnings.push(issue(kind, at, message));
}
