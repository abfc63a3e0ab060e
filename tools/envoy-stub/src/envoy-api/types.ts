// Shared shapes of the envoy-api validator. Kept free of runtime imports so that every other
// file can depend on it without pulling protobufjs in (it is a dev dependency only).
import type { Root, Type, Enum } from 'protobufjs';

export type IssueKind =
  | 'SYNTAX' // the text is not JSON
  | 'DUPLICATE_KEY' // the same key twice in one JSON object
  | 'DUPLICATE_FIELD' // one field under its snake_case and its lowerCamel name
  | 'UNKNOWN_FIELD'
  | 'UNKNOWN_ENUM'
  | 'TYPE' // wrong JSON type or malformed scalar / well-known type
  | 'UNKNOWN_ANY_TYPE'
  | 'ONEOF' // two members of one oneof set
  | 'PGV' // protoc-gen-validate constraint
  | 'SEMANTIC' // what Envoy checks at start-up, after parsing
  | 'DEPRECATED'
  | 'WORK_IN_PROGRESS'
  | 'NOTICE';

export interface ValidationIssue {
  kind: IssueKind;
  /** JSON path as written in the document, e.g. `static_resources.clusters[0].name`. */
  path: string;
  message: string;
  line?: number;
  col?: number;
  /** Envoy-worded detail used for the one-line summary (PGV error chain, protobuf parser text). */
  detail?: string;
}

export interface ValidationResult {
  ok: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** One line in Envoy's own wording for the error Envoy would report first; undefined when ok. */
  envoyMessage?: string;
}

export interface ValidateOptions {
  /** Like `--allow-unknown-static-fields`: unknown fields and enum names become warnings. */
  allowUnknownStaticFields?: boolean;
  /** The command line gives --service-node/--service-cluster, so node.id/cluster may be absent. */
  cliProvidesNode?: boolean;
}

export interface LoadStats {
  /** .proto files parsed. */
  files: number;
  /** v2-era files left out on purpose. */
  skipped: number;
  /** Files that could not be read or parsed, or whose imports are missing. */
  failed: { file: string; reason: string }[];
  messageTypes: number;
  enums: number;
  /** Types with at least one field whose type could not be resolved. */
  unresolved: { type: string; reason: string }[];
  loadMs: number;
}

export interface EnvoyTypes {
  readonly root: Root;
  readonly stats: LoadStats;
  /** Full names (no leading dot) of messages declared work-in-progress (file or message status). */
  readonly wip: ReadonlySet<string>;
  lookupMessage(fullName: string): Type | undefined;
  lookupEnum(fullName: string): Enum | undefined;
}
