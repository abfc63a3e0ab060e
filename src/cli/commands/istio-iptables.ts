import { AgentError, ErrorCodes } from '../../errors/index.js';

// Placeholder until its issue lands; the owning module replaces this file.
export function istioIptablesCommand(_argv: readonly string[]): number {
  throw new AgentError(ErrorCodes.USAGE, '"istio-iptables" is not implemented yet');
}
