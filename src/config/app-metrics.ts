import { AgentError, ErrorCodes } from '../errors/index.js';

// ISTIO_PROMETHEUS_ANNOTATIONS: the application's own prometheus.io/{scrape,port,path}, moved here by the
// injector so that one scrape of the status port returns agent + envoy + application metrics.

export interface AppMetricsTarget {
  readonly port: number;
  readonly path: string;
}

// Ports of the agent and envoy themselves: scraping one of them as "the application" would loop or lie.
const reserved = new Set([15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090]);

/** `ownPorts`: the ports this agent and its envoy are configured with (status, admin, health, prometheus). */
export function parseAppMetrics(raw: string | undefined, ownPorts: readonly number[]): AppMetricsTarget | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw bad(`not JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw bad('expected a JSON object such as {"scrape":"true","port":"8080","path":"/metrics"}');
  const obj = json as Record<string, unknown>;
  if (String(obj.scrape ?? 'true') === 'false') return undefined;
  const portText = String(obj.port ?? '80');
  const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw bad(`port ${JSON.stringify(portText)} must be a number from 1 to 65535`);
  if (ownPorts.includes(port) || reserved.has(port)) throw bad(`port ${port} belongs to the agent or envoy, not the application`);
  const path = String(obj.path ?? '/metrics');
  return { port, path: path.startsWith('/') ? path : `/${path}` };
}

function bad(detail: string): AgentError {
  return new AgentError(ErrorCodes.BAD_ENV, `invalid value for ISTIO_PROMETHEUS_ANNOTATIONS: ${detail}`);
}
