import { flagError } from '../errors/index.js';
import { exchange, ExchangeError } from './http-exchange.js';
import { defaultPorts } from './flags.js';

// `pilot-agent request <METHOD> <path> [body]`, as Istio's (pilot/pkg/request/command.go): a local
// request to one of the proxy's own ports; stdout gets the response body and nothing else, because
// istioctl parses it as JSON. Any status above 399 except 404 is a failure.

export interface ProxyPorts {
  readonly admin: number;
  readonly status: number;
  readonly health: number;
}

/** Istio's allowed list is {15000, 15004, 15020, 15021}; here the roles follow the agent's actual ports. */
export function checkDebugPort(port: number, ports: ProxyPorts): number {
  const allowed = new Map<number, string>([
    [ports.admin, 'admin'],
    [defaultPorts.debug, 'debug'],
    [ports.status, 'status'],
    [ports.health, 'health'],
  ]);
  if (allowed.has(port)) return port;
  const list = [...allowed].sort(([a], [b]) => a - b).map(([p, role]) => `${p} (${role})`).join(', ');
  throw flagError('--debug-port', String(port), `expected one of the proxy's own ports: ${list}`);
}

/** Istio strips one leading "/" and always puts one back. */
export function requestUrl(port: number, path: string): string {
  return `http://localhost:${port}/${path.replace(/^\//, '')}`;
}

export type RequestOutcome =
  | { readonly ok: true; readonly body: string }
  | { readonly ok: false; readonly error: string };

export async function proxyRequest(method: string, url: string, body: string, timeoutMs: number): Promise<RequestOutcome> {
  try {
    const res = await exchange({ method, url, body, timeoutMs });
    if (res.status > 399 && res.status !== 404) {
      const detail = res.body.trim().split('\n')[0]!.slice(0, 300);
      return { ok: false, error: `received unsuccessful status code ${res.status}${detail ? `: ${detail}` : ''}` };
    }
    return { ok: true, body: res.body };
  } catch (e) {
    if (e instanceof ExchangeError) return { ok: false, error: `${method} ${url}: ${e.reason}` };
    throw e;
  }
}
