// Static listeners: address, stat prefix, drain type, direction, and the one network filter the
// stub serves (http_connection_manager with an inline route_config, or tcp_proxy).

import { randomUUID } from 'node:crypto';
import { ConfigError } from './config-error.js';
import { formatAddress, socketAddress, type SocketAddress } from './addresses.js';
import { field, isObject, list, message, str, typeError, type JsonObject } from './json-access.js';
import type { Json } from './proto-merge.js';
import { readRouteConfig, type RouteTable } from './routes.js';
import { checkTlsFiles } from './tls-files.js';

export interface HttpManagerConfig {
  readonly statPrefix: string;
  readonly routes: RouteTable;
}

export interface ListenerConfig {
  readonly name: string;
  readonly address: SocketAddress;
  readonly statPrefix?: string;
  readonly drainType: 'DEFAULT' | 'MODIFY_ONLY';
  readonly direction: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND';
  readonly http?: HttpManagerConfig;
  readonly tcpProxyCluster?: string;
}

const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const TCP_PROXY = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

function typedConfig(filter: JsonObject, where: string): JsonObject {
  const tc = message(filter, 'typed_config', where);
  if (!tc) {
    throw new ConfigError(`Didn't find a registered implementation for '${str(filter, 'name', where) ?? ''}' with type URL: ''`);
  }
  return tc;
}

function readFilters(listener: JsonObject, where: string, clusters: ReadonlySet<string>): Pick<ListenerConfig, 'http' | 'tcpProxyCluster'> {
  const chains = list(listener, 'filter_chains', where);
  let out: Pick<ListenerConfig, 'http' | 'tcpProxyCluster'> = {};
  chains.forEach((chain, i) => {
    if (!isObject(chain)) throw typeError(`${where}.filter_chains[${i}]`, 'an object', chain);
    checkTlsFiles(field(chain, 'transport_socket'));
    list(chain, 'filters', `${where}.filter_chains[${i}]`).forEach((filter, j) => {
      const w = `${where}.filter_chains[${i}].filters[${j}]`;
      if (!isObject(filter)) throw typeError(w, 'an object', filter);
      const tc = typedConfig(filter, w);
      const type = String(tc['@type'] ?? '').replace(/^type\.googleapis\.com\//, '');
      // The first chain decides what the stub serves; later chains are only checked.
      const first = i === 0 && out.http === undefined && out.tcpProxyCluster === undefined;
      if (type === HCM) {
        const statPrefix = str(tc, 'stat_prefix', w) ?? '';
        if (statPrefix === '') {
          throw new ConfigError('Proto constraint validation failed (HttpConnectionManagerValidationError.StatPrefix: value length must be at least 1 characters)');
        }
        for (const hf of list(tc, 'http_filters', w)) if (isObject(hf)) typedConfig(hf, `${w}.http_filters`);
        const routes = readRouteConfig(message(tc, 'route_config', w), `${w}.route_config`, clusters);
        if (first) out = { http: { statPrefix, routes } };
      } else if (type === TCP_PROXY) {
        const cluster = str(tc, 'cluster', w) ?? '';
        if (first) out = { tcpProxyCluster: cluster };
      }
    });
  });
  return out;
}

function readListener(raw: Json, index: number, clusters: ReadonlySet<string>): ListenerConfig {
  const where = `static_resources.listeners[${index}]`;
  if (!isObject(raw)) throw typeError(where, 'an object', raw);
  const addressMsg = message(raw, 'address', where);
  if (!addressMsg) throw new ConfigError(`error adding listener: address is necessary`);
  const address = socketAddress(addressMsg, `${where}.address`, true);
  const statPrefix = str(raw, 'stat_prefix', where);
  const drainType = field(raw, 'drain_type') === 'MODIFY_ONLY' ? 'MODIFY_ONLY' : 'DEFAULT';
  const dir = field(raw, 'traffic_direction');
  const direction = dir === 'INBOUND' || dir === 'OUTBOUND' ? dir : 'UNSPECIFIED';
  return {
    name: str(raw, 'name', where) || randomUUID(),
    address,
    ...(statPrefix ? { statPrefix } : {}),
    drainType,
    direction,
    ...readFilters(raw, where, clusters),
  };
}

export function readListeners(staticResources: JsonObject | undefined, clusters: ReadonlySet<string>): ListenerConfig[] {
  const all = list(staticResources, 'listeners', 'static_resources').map((l, i) => readListener(l, i, clusters));
  // A second static listener with a taken name is dropped without an error: Envoy 1.40 validates such a
  // bootstrap and serves only the first (checked against it).
  const listeners = all.filter((l, i) => all.findIndex((x) => x.name === l.name) === i);
  const addresses = new Map<string, string>();
  for (const l of listeners) {
    const addr = formatAddress(l.address);
    if (l.address.port !== 0 && addresses.has(addr)) {
      throw new ConfigError(`error adding listener '${addr}': listener '${l.name}' has duplicate address '${addr}' as existing listener '${addresses.get(addr)}'`);
    }
    addresses.set(addr, l.name);
  }
  return listeners;
}
