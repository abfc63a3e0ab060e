// The one line Envoy would print for a rejected config. Envoy stops at the first failure of the
// earliest phase: JSON parse (type errors win over unknown fields, because Envoy retries the parse
// ignoring unknown fields and reports the retry's error), then the unknown-field/deprecation
// pass, then PGV, then building the server.
import type { IssueKind, ValidationIssue } from './types.js';

const PARSE: IssueKind[] = ['TYPE', 'UNKNOWN_ANY_TYPE', 'DUPLICATE_KEY', 'DUPLICATE_FIELD', 'ONEOF'];
const UNKNOWN: IssueKind[] = ['UNKNOWN_FIELD', 'UNKNOWN_ENUM'];

export function envoyMessage(rootType: string, errors: readonly ValidationIssue[]): string | undefined {
  const first = (kinds: IssueKind[]): ValidationIssue | undefined => errors.find((e) => kinds.includes(e.kind));
  const syntax = first(['SYNTAX']);
  if (syntax) return `Unable to parse JSON as proto (INVALID_ARGUMENT: invalid JSON at ${syntax.line}:${syntax.col}: ${syntax.message})`;
  const parse = first(PARSE);
  if (parse) return `Unable to parse JSON as proto (INVALID_ARGUMENT: ${parse.detail ?? parse.message})`;
  const unknown = first(UNKNOWN);
  if (unknown) return `Protobuf message (type ${rootType} reason INVALID_ARGUMENT:${unknown.detail ?? unknown.message}) has unknown fields`;
  const deprecated = first(['DEPRECATED']);
  if (deprecated) return deprecated.message;
  const pgv = first(['PGV']);
  if (pgv) return `Proto constraint validation failed (${pgv.detail ?? pgv.message})`;
  const semantic = errors.filter((e) => e.kind === 'SEMANTIC').sort((a, b) => startupRank(a.path) - startupRank(b.path));
  return (semantic[0] ?? errors[0])?.message;
}

/** Envoy builds admin, then the cluster manager (and with it the xDS mux), then listeners. */
function startupRank(path: string): number {
  if (path.startsWith('admin')) return 0;
  if (/^static_resources\.clusters\b/.test(path)) return 1;
  if (path.startsWith('dynamic_resources') || path === 'node' || path === '') return 2;
  if (/^static_resources\.listeners\b/.test(path)) return 3;
  return 4;
}
