import { AgentError, ErrorCodes } from '../../errors/index.js';

// Placeholder until its issue lands; the owning module replaces this file.
export function kubeInjectCommand(_argv: readonly string[]): number {
  throw new AgentError(ErrorCodes.USAGE, '"kube-inject" is not implemented yet');
}
