import { isIP } from 'node:net';
import { AgentError, ErrorCodes } from '../errors/index.js';

// node:http as Node's CommonJS object: an ESM import of it reads every export, and its lazy WebSocket
// getters load Node's bundled undici (~70 ms of CPU in each process, Node 22–24).
const { validateHeaderName, validateHeaderValue } = process.getBuiltinModule('node:http');

// ISTIO_KUBE_APP_PROBERS: the injector moves each app container's probe here and points kubelet at
// /app-health/<container>/<kind> on the status port. Validated once at start-up: a bad table is exit 2.

export interface HttpProber {
  readonly kind: 'http';
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface TcpProber {
  readonly kind: 'tcp';
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
}

export type Prober = HttpProber | TcpProber;
export type ProbeTable = ReadonlyMap<string, Prober>;

const pathPattern = /^\/app-health\/[^/]+\/(livez|readyz|startupz)$/;
const envName = 'ISTIO_KUBE_APP_PROBERS';

/** `statusPort`: the agent's own; an /app-health probe sent there would call itself for ever. */
export function parseProbeTable(raw: string | undefined, statusPort: number): ProbeTable {
  const table = new Map<string, Prober>();
  if (raw === undefined || raw.trim() === '') return table;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw bad(`not JSON (${(e as Error).message})`);
  }
  if (!isObject(json)) throw bad('expected a JSON object of path → prober');
  for (const [path, value] of Object.entries(json)) {
    if (!pathPattern.test(path)) throw bad(`key ${JSON.stringify(path)} must have the form /app-health/<container>/livez|readyz|startupz`);
    table.set(path, prober(path, value, statusPort));
  }
  return table;
}

function prober(path: string, value: unknown, statusPort: number): Prober {
  if (!isObject(value)) throw bad(`${path}: expected an object with httpGet or tcpSocket`);
  const kinds = ['httpGet', 'tcpSocket', 'grpc'].filter((k) => k in value);
  if (kinds.length !== 1) throw bad(`${path}: expected exactly one of httpGet, tcpSocket`);
  if (kinds[0] === 'grpc') throw bad(`${path}: grpc probes are not supported by this agent; use httpGet or tcpSocket`);
  const timeoutSeconds = value.timeoutSeconds ?? 1;
  if (typeof timeoutSeconds !== 'number' || !Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) {
    throw bad(`${path}: timeoutSeconds must be a positive whole number`);
  }
  const timeoutMs = timeoutSeconds * 1000;
  const action = value[kinds[0]!];
  if (!isObject(action)) throw bad(`${path}: ${kinds[0]} must be an object`);
  const port = action.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw bad(`${path}: the port must be a number from 1 to 65535 (named ports are resolved by the injector)`);
  }
  const host = typeof action.host === 'string' && action.host !== '' ? action.host : '127.0.0.1';
  if (!isHost(host)) throw bad(`${path}: host ${JSON.stringify(host)} must be an IP address or a DNS name`);
  if (kinds[0] === 'tcpSocket') return { kind: 'tcp', host, port, timeoutMs };
  const scheme = String(action.scheme ?? 'HTTP').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') throw bad(`${path}: scheme must be HTTP or HTTPS`);
  const probePath = typeof action.path === 'string' && action.path !== '' ? action.path : '/';
  // A request target is visible ASCII (RFC 9112); node's http client refuses anything else at probe time.
  if (!/^[!-~]+$/.test(probePath)) throw bad(`${path}: path ${JSON.stringify(probePath)} must be visible ASCII without spaces`);
  if (port === statusPort && isLocal(host) && probePath.replace(/^\/*/, '/').startsWith('/app-health/')) {
    throw bad(`${path}: probes the agent's own /app-health on the status port ${statusPort}, which would loop`);
  }
  const headers: Record<string, string> = {};
  for (const h of Array.isArray(action.httpHeaders) ? action.httpHeaders : []) {
    if (!isObject(h) || typeof h.name !== 'string' || typeof h.value !== 'string') throw bad(`${path}: httpHeaders entries need name and value`);
    checkHeader(path, h.name, h.value);
    headers[h.name.toLowerCase()] = h.value;
  }
  return { kind: 'http', scheme, host, port, path: probePath.startsWith('/') ? probePath : `/${probePath}`, headers, timeoutMs };
}

/** The checks node's http client makes when the probe is sent, made once here so a bad table is exit 2, not a 500 per probe. */
function checkHeader(path: string, name: string, value: string): void {
  try {
    validateHeaderName(name);
  } catch {
    throw bad(`${path}: header name ${JSON.stringify(name)} is not an HTTP token`);
  }
  try {
    validateHeaderValue(name, value);
  } catch {
    throw bad(`${path}: header ${JSON.stringify(name)} has a value with a line break or control character: ${JSON.stringify(value)}`);
  }
}

const dnsName = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\.?$/;

function isHost(host: string): boolean {
  return isIP(host) !== 0 || dnsName.test(host);
}

function isLocal(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function bad(detail: string): AgentError {
  return new AgentError(ErrorCodes.BAD_ENV, `invalid value for ${envName}: ${detail}`);
}
