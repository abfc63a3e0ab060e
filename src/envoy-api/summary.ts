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
  return errors[0]?.message;
}
