// One place for every error the agent reports on purpose. Codes are stable: tests, logs and
// users match on them, so never rename one — add a new code instead.

export const ErrorCodes = {
  /** A command-line flag or positional argument is malformed or out of range. */
  USAGE: 'PA_USAGE',
  /** A flag nobody knows. */
  UNKNOWN_FLAG: 'PA_UNKNOWN_FLAG',
  /** An environment variable holds a value we cannot use. */
  BAD_ENV: 'PA_BAD_ENV',
  /** The bootstrap template cannot be read, parsed or rendered. */
  TEMPLATE: 'PA_TEMPLATE',
  /** The rendered bootstrap is not something Envoy would accept. */
  BOOTSTRAP_INVALID: 'PA_BOOTSTRAP_INVALID',
  /** Writing a file (bootstrap, temp file) failed. */
  WRITE: 'PA_WRITE',
  /** The envoy binary could not be started. */
  SPAWN: 'PA_SPAWN',
  /** A file from the pod was not read: not a regular file, too large, or too slow (src/fs/read-bounded.ts). */
  FILE_REFUSED: 'PA_FILE_REFUSED',
  /** Anything we did not foresee: a bug. */
  INTERNAL: 'PA_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Exit status for errors caused by what the user gave us (flags, env, files). */
export const EXIT_BAD_INPUT = 2;
/** Exit status for failures at run time. */
export const EXIT_FAILURE = 1;

const badInput = new Set<ErrorCode>([
  ErrorCodes.USAGE,
  ErrorCodes.UNKNOWN_FLAG,
  ErrorCodes.BAD_ENV,
  ErrorCodes.TEMPLATE,
  ErrorCodes.BOOTSTRAP_INVALID,
]);

export class AgentError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentError';
    this.code = code;
  }

  get exitCode(): number {
    return badInput.has(this.code) ? EXIT_BAD_INPUT : EXIT_FAILURE;
  }
}

/** A usage error that names the flag, the value and what was expected — the one-line contract. */
export function flagError(flag: string, value: string, expected: string): AgentError {
  return new AgentError(ErrorCodes.USAGE, `invalid value ${JSON.stringify(value)} for ${flag}: ${expected}`);
}

export function isAgentError(e: unknown): e is AgentError {
  return e instanceof AgentError;
}

/**
 * One line for stderr, never a stack trace. Unknown errors are labelled internal. Messages should
 * already quote values with JSON.stringify; any line break that slips through (a file's text inside a
 * parser's message, say) is escaped here as a last resort, so the line stays one line.
 */
export function describeError(e: unknown): { line: string; exitCode: number; code: ErrorCode } {
  if (isAgentError(e)) return { line: `error: ${oneLine(e.message)}`, exitCode: e.exitCode, code: e.code };
  const message = e instanceof Error ? e.message : String(e);
  return { line: `error: internal: ${oneLine(message.split(/\r\n|\r|\n/)[0]!)}`, exitCode: EXIT_FAILURE, code: ErrorCodes.INTERNAL };
}

function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n|\u2028|\u2029/g, '\\n');
}
