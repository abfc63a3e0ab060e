// Static clusters: name, discovery type and endpoints from load_assignment.

import { ConfigError } from './config-error.js';
import { socketAddress, type SocketAddress } from './addresses.js';
import { field, isObject, list, message, str, typeError, type JsonObject } from './json-access.js';
import type { Json } from './proto-merge.js';
import { checkTlsFiles } from './tls-files.js';

export interface ClusterConfig {
  readonly name: string;
  readonly type: string;
  readonly endpoints: readonly SocketAddress[];
}

const DISCOVERY_TYPES = ['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'];

function endpoints(cluster: JsonObject, where: string, requireIp: boolean): SocketAddress[] {
  const out: SocketAddress[] = [];
  const assignment = message(cluster, 'load_assignment', where);
  list(assignment, 'endpoints', `${where}.load_assignment`).forEach((locality, i) => {
    if (!isObject(locality)) throw typeError(`${where}.load_assignment.endpoints[${i}]`, 'an object', locality);
    list(locality, 'lb_endpoints', `${where}.load_assignment.endpoints[${i}]`).forEach((lb, j) => {
      const w = `${where}.load_assignment.endpoints[${i}].lb_endpoints[${j}]`;
      if (!isObject(lb)) throw typeError(w, 'an object', lb);
      const address = message(message(lb, 'endpoint', w), 'address', `${w}.endpoint`);
      // A unix socket endpoint (the agent's sds-grpc cluster) is accepted and left out: the stub forwards TCP only
      // and has no SDS client that would dial it.
      if (address && message(address, 'pipe', `${w}.endpoint.address`)) return;
      if (address) out.push(socketAddress(address, `${w}.endpoint.address`, requireIp, true));
    });
  });
  return out;
}

function readCluster(raw: Json, index: number): ClusterConfig {
  const where = `static_resources.clusters[${index}]`;
  if (!isObject(raw)) throw typeError(where, 'an object', raw);
  const name = str(raw, 'name', where) ?? '';
  if (name === '') {
    throw new ConfigError('Proto constraint validation failed (ClusterValidationError.Name: value length must be at least 1 characters)');
  }
  const typeValue = field(raw, 'type') ?? 'STATIC';
  const type = typeof typeValue === 'string' ? typeValue.toUpperCase() : typeValue;
  if (field(raw, 'cluster_type') !== undefined) {
    if (field(raw, 'type') !== undefined) throw new ConfigError(`Protobuf message (type envoy.config.cluster.v3.Cluster) has more than one member of oneof cluster_discovery_type`);
    return { name, type: 'CUSTOM', endpoints: [] };
  }
  if (typeof type !== 'string' || !DISCOVERY_TYPES.includes(type)) {
    throw new ConfigError(
      `Protobuf message (type envoy.config.bootstrap.v3.Bootstrap reason INVALID_ARGUMENT:${where}.type: invalid value ${JSON.stringify(typeValue)} for type TYPE_ENUM) has unknown fields`,
    );
  }
  checkTlsFiles(field(raw, 'transport_socket'));
  return { name, type, endpoints: endpoints(raw, where, type === 'STATIC') };
}

export function readClusters(staticResources: JsonObject | undefined): ClusterConfig[] {
  const clusters = list(staticResources, 'clusters', 'static_resources').map(readCluster);
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c.name)) throw new ConfigError(`cluster manager: duplicate cluster '${c.name}'`);
    seen.add(c.name);
  }
  return clusters;
}
