import { AgentError, ErrorCodes, flagError } from '../errors/index.js';
import { parseHostPort, type HostPort } from './addresses.js';

// --envoyMetricsService and --envoyAccessLogService take a mesh RemoteService as JSON, the way Istio 1.5's
// injector passes it: {"address":"host:port","tlsSettings":{…},"tcpKeepalive":{…}}. Istio 1.5 logged a
// bad value and went on without the service; here it is exit 2, since the service would silently be missing.

export type TlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';

export interface RemoteTls {
  readonly mode: Exclude<TlsMode, 'DISABLE'>;
  readonly clientCertificate: string;
  readonly privateKey: string;
  readonly caCertificates: string;
  readonly subjectAltNames: readonly string[];
  readonly sni: string;
}

export interface RemoteService {
  readonly address: HostPort;
  readonly tls: RemoteTls | undefined;
  /** TCP keepalive: probes, and time/interval in whole seconds; each 0 when not given (Envoy's default). */
  readonly tcpKeepalive: { readonly probes: number; readonly timeSec: number; readonly intervalSec: number } | undefined;
}

/** ISTIO_MUTUAL means the proxy's own certificate files, as in Istio 1.5 (<certDir>/…). */
export function parseRemoteService(flag: string, raw: string, certDir: string): RemoteService {
  const bad = (expected: string): AgentError => flagError(flag, raw, expected);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad('expected a RemoteService as JSON, e.g. {"address":"metrics.istio-system:15000"}');
  }
  if (!isObject(value) || typeof value.address !== 'string') throw bad('expected a JSON object with "address": "host:port"');
  unknownKeys(flag, value, ['address', 'tlsSettings', 'tcpKeepalive']);
  const address = parseHostPort(`${flag} address`, value.address);
  return { address, tls: tlsSettings(flag, value.tlsSettings, certDir), tcpKeepalive: keepalive(flag, value.tcpKeepalive) };
}

function tlsSettings(flag: string, tls: unknown, certDir: string): RemoteTls | undefined {
  if (tls === undefined || tls === null) return undefined;
  if (!isObject(tls)) throw fieldError(flag, 'tlsSettings', 'a JSON object');
  unknownKeys(`${flag} tlsSettings`, tls, ['mode', 'clientCertificate', 'privateKey', 'caCertificates', 'subjectAltNames', 'sni']);
  const mode = tls.mode ?? 'DISABLE';
  if (!['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'].includes(mode as string)) {
    throw fieldError(flag, 'tlsSettings.mode', 'DISABLE, SIMPLE, MUTUAL or ISTIO_MUTUAL');
  }
  if (mode === 'DISABLE') return undefined;
  const text = (key: string): string => {
    const v = tls[key] ?? '';
    if (typeof v !== 'string') throw fieldError(flag, `tlsSettings.${key}`, 'a string');
    return v;
  };
  const sans = tls.subjectAltNames ?? [];
  if (!Array.isArray(sans) || !sans.every((s) => typeof s === 'string')) throw fieldError(flag, 'tlsSettings.subjectAltNames', 'a list of strings');
  const own = mode === 'ISTIO_MUTUAL';
  const result: RemoteTls = {
    mode: mode as RemoteTls['mode'],
    clientCertificate: own ? `${certDir}/cert-chain.pem` : text('clientCertificate'),
    privateKey: own ? `${certDir}/key.pem` : text('privateKey'),
    caCertificates: own ? `${certDir}/root-cert.pem` : text('caCertificates'),
    subjectAltNames: sans as string[],
    sni: text('sni'),
  };
  if (result.subjectAltNames.length > 0 && result.caCertificates === '') {
    throw fieldError(flag, 'tlsSettings', 'caCertificates when subjectAltNames are given (Envoy verifies names only against a CA)');
  }
  if (result.mode === 'MUTUAL' && (result.clientCertificate === '' || result.privateKey === '')) {
    throw fieldError(flag, 'tlsSettings', 'clientCertificate and privateKey with mode MUTUAL');
  }
  return result;
}

function keepalive(flag: string, ka: unknown): RemoteService['tcpKeepalive'] {
  if (ka === undefined || ka === null) return undefined;
  if (!isObject(ka)) throw fieldError(flag, 'tcpKeepalive', 'a JSON object');
  unknownKeys(`${flag} tcpKeepalive`, ka, ['probes', 'time', 'interval']);
  const probes = ka.probes ?? 0;
  if (!Number.isInteger(probes) || (probes as number) < 0) throw fieldError(flag, 'tcpKeepalive.probes', 'a whole number');
  return { probes: probes as number, timeSec: seconds(flag, 'time', ka.time), intervalSec: seconds(flag, 'interval', ka.interval) };
}

/** A protobuf JSON duration ("10s", "1.5s" is refused: TCP keepalive counts whole seconds). */
function seconds(flag: string, key: string, v: unknown): number {
  if (v === undefined || v === null) return 0;
  const m = typeof v === 'string' ? /^(\d+)s$/.exec(v) : null;
  if (!m) throw fieldError(flag, `tcpKeepalive.${key}`, 'whole seconds such as "10s"');
  return Number(m[1]);
}

function unknownKeys(where: string, obj: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(obj).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new AgentError(ErrorCodes.USAGE, `invalid value for ${where}: unknown field ${JSON.stringify(unknown[0])} (known: ${known.join(', ')})`);
  }
}

function fieldError(flag: string, field: string, expected: string): AgentError {
  return new AgentError(ErrorCodes.USAGE, `invalid value for ${flag}: ${field} must be ${expected}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
