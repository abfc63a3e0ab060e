import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { flagError } from '../errors/index.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** "host:port" or "[v6]:port", as Go's net.SplitHostPort accepts; errors name the flag. */
export function parseHostPort(flag: string, raw: string): HostPort {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(raw) ?? /^([^:[\]]+):(\d+)$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) {
    throw flagError(flag, raw, 'expected host:port with a port from 1 to 65535, e.g. istiod.istio-system.svc:15012');
  }
  return { host: m[1]!, port };
}

/**
 * The proxy's IPs, as Istio 1.5 orders them: --ip or INSTANCE_IP first, then every up, non-loopback
 * interface address; 127.0.0.1 and ::1 when there is none. Duplicates removed.
 */
export function instanceIps(explicit: { flag: string; value: string } | undefined): string[] {
  const ips: string[] = [];
  if (explicit && explicit.value !== '') {
    if (isIP(explicit.value) === 0) throw flagError(explicit.flag, explicit.value, 'expected an IPv4 or IPv6 address');
    ips.push(explicit.value);
  }
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.internal || a.address.startsWith('fe80:')) continue;
      ips.push(a.address);
    }
  }
  if (ips.length === 0) ips.push('127.0.0.1', '::1');
  return [...new Set(ips)];
}

/** IPv6 mode only when every address is IPv6 (Istio 1.5). */
export function allIpv6(ips: readonly string[]): boolean {
  return ips.length > 0 && ips.every((ip) => isIP(ip) === 6);
}
