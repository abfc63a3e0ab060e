import { AgentError, ErrorCodes } from '../../errors/index.js';

// Placeholder until its issue lands; the owning module replaces this file.
export function requestCommand(_argv: readonly string[]): number {
  throw new AgentError(ErrorCodes.USAGE, '"request" is not implemented yet');
}
