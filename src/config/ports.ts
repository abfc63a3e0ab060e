import { AgentError, ErrorCodes } from '../errors/index.js';

export interface NamedPort {
  /** The flag or environment variable that set it, e.g. "--statusPort" or "ENVOY_STATUS_PORT". */
  readonly name: string;
  readonly port: number;
}

/**
 * The agent binds --statusPort; envoy binds its admin port and, from the bootstrap, the health
 * (ENVOY_STATUS_PORT) and prometheus (ENVOY_PROMETHEUS_PORT) listeners. Two of them on one port is a
 * crash loop (envoy cannot bind) or a status server that never starts, so it is refused at start.
 */
export function checkDistinctPorts(ports: readonly NamedPort[]): void {
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++) {
      const a = ports[i]!;
      const b = ports[j]!;
      if (a.port !== b.port) continue;
      const code = a.name.startsWith('--') || b.name.startsWith('--') ? ErrorCodes.USAGE : ErrorCodes.BAD_ENV;
      throw new AgentError(code, `port conflict: ${a.name} and ${b.name} are both ${a.port}; each needs its own port`);
    }
  }
}
