// Socket addresses in the bootstrap: STATIC clusters, listeners and admin need IP literals.

import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';
import { field, message, typeError, type JsonObject } from './json-access.js';

export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

/** The resolver hint only for cluster endpoints, as Envoy 1.40 words it. */
export function malformedIp(host: string, hint: boolean): ConfigError {
  const advice = hint ? ". Consider setting resolver_name or setting cluster type to 'STRICT_DNS' or 'LOGICAL_DNS'" : '';
  return new ConfigError(`malformed IP address: ${host}${advice}`);
}

function port(sock: JsonObject, where: string): number {
  const raw = field(sock, 'port_value') ?? 0;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw typeError(`${where}.port_value`, 'a uint32', raw);
  if (n > 65535) {
    throw new ConfigError(`Proto constraint validation failed (SocketAddressValidationError.PortValue: value must be less than or equal to 65535)`);
  }
  return n;
}

/** Reads `address.socket_address`; `requireIp` for places Envoy resolves nothing (STATIC, listeners, admin). */
export function socketAddress(addressMsg: JsonObject, where: string, requireIp: boolean, hint = false): SocketAddress {
  const sock = message(addressMsg, 'socket_address', where);
  if (!sock) throw new ConfigError(`${where}: the stub supports only socket_address addresses`);
  const host = field(sock, 'address');
  if (typeof host !== 'string' || host === '') {
    throw new ConfigError('Proto constraint validation failed (SocketAddressValidationError.Address: value length must be at least 1 characters)');
  }
  if (requireIp && isIP(host) === 0) throw malformedIp(host, hint);
  return { address: host, port: port(sock, `${where}.socket_address`) };
}

/** "0.0.0.0:15000" or "[::1]:15000", as Envoy prints addresses. */
export function formatAddress(a: SocketAddress): string {
  return isIP(a.address) === 6 ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}
