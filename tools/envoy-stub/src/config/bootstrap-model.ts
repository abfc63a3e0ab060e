// The parts of a v3 Bootstrap the stub acts on, read with the structural checks Envoy would make
// on them. The strict proto validator (when present) runs before this and covers the rest.

import { ConfigError } from './config-error.js';
import { socketAddress, type SocketAddress } from './addresses.js';
import { readClusters, type ClusterConfig } from './clusters.js';
import { connectionLimitWarnings } from './connection-limit.js';
import { camel, field, isObject, message, str, type JsonObject } from './json-access.js';
import { readListeners, type ListenerConfig } from './listeners.js';
import type { Json } from './proto-merge.js';

export interface NodeInfo {
  readonly id: string;
  readonly cluster: string;
  readonly zone: string;
  readonly raw: JsonObject;
}

export interface BootstrapModel {
  readonly node: NodeInfo;
  readonly admin?: SocketAddress;
  readonly clusters: readonly ClusterConfig[];
  readonly listeners: readonly ListenerConfig[];
  readonly statsFlushIntervalMs: number;
  readonly hasCds: boolean;
  readonly hasLds: boolean;
  /** Unknown top-level fields tolerated by --allow-unknown-static-fields. */
  readonly unknownStaticFields: number;
  /** Envoy's start-up warnings about the downstream connection limit (logged at warning once the server starts). */
  readonly connectionLimitWarnings: readonly string[];
}

export interface ModelOptions {
  readonly allowUnknownStaticFields: boolean;
  readonly serviceNode: string;
  readonly serviceCluster: string;
  readonly serviceZone: string;
}

const BOOTSTRAP_FIELDS = [
  'node', 'node_context_params', 'static_resources', 'dynamic_resources', 'cluster_manager', 'hds_config',
  'flags_path', 'stats_sinks', 'deferred_stat_options', 'stats_config', 'stats_flush_interval',
  'stats_flush_on_admin', 'watchdog', 'watchdogs', 'tracing', 'layered_runtime', 'admin', 'overload_manager',
  'enable_dispatcher_stats', 'header_prefix', 'stats_server_version_override', 'use_tcp_for_dns_lookups',
  'dns_resolution_config', 'typed_dns_resolver_config', 'bootstrap_extensions', 'fatal_actions',
  'config_sources', 'default_config_source', 'default_socket_interface', 'certificate_provider_instances',
  'inline_headers', 'perf_tracing_file_path', 'default_regex_engine', 'xds_delegate_extension',
  'xds_config_tracker_extension', 'listener_manager', 'application_log_config',
  'grpc_async_client_manager_config', 'memory_allocator_manager',
];
const KNOWN = new Set(BOOTSTRAP_FIELDS.flatMap((f) => [f, camel(f)]));

/** A proto Duration in JSON ("5s", "0.100s") as milliseconds. */
export function durationMs(text: Json | undefined, fallbackMs: number, where: string): number {
  if (text === undefined) return fallbackMs;
  const m = typeof text === 'string' ? /^(-?\d+)(\.\d{1,9})?s$/.exec(text) : null;
  if (!m) throw new ConfigError(`Unable to parse JSON as proto (INVALID_ARGUMENT:${where}: invalid duration ${JSON.stringify(text)})`);
  return Number(m[1]) * 1000 + Number(`0${m[2] ?? ''}`) * 1000;
}

function readNode(value: JsonObject, o: ModelOptions): NodeInfo {
  const raw = message(value, 'node', 'bootstrap') ?? {};
  const locality = message(raw, 'locality', 'node');
  return {
    id: o.serviceNode || (str(raw, 'id', 'node') ?? ''),
    cluster: o.serviceCluster || (str(raw, 'cluster', 'node') ?? ''),
    zone: o.serviceZone || (str(locality, 'zone', 'node.locality') ?? ''),
    raw,
  };
}

export function readBootstrap(value: Json, o: ModelOptions): BootstrapModel {
  if (!isObject(value)) throw new ConfigError('Unable to parse JSON as proto (INVALID_ARGUMENT:the bootstrap must be a JSON object)');
  const unknown = Object.keys(value).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0 && !o.allowUnknownStaticFields) {
    throw new ConfigError(
      `Protobuf message (type envoy.config.bootstrap.v3.Bootstrap reason INVALID_ARGUMENT:invalid JSON in envoy.config.bootstrap.v3.Bootstrap @ ${unknown[0]}: no such field: '${unknown[0]}') has unknown fields`,
    );
  }
  const node = readNode(value, o);
  const adminMsg = message(value, 'admin', 'bootstrap');
  const adminAddress = message(adminMsg, 'address', 'admin');
  const statics = message(value, 'static_resources', 'bootstrap');
  const clusters = readClusters(statics);
  const listeners = readListeners(statics, new Set(clusters.map((c) => c.name)));
  const dynamic = message(value, 'dynamic_resources', 'bootstrap');
  if (message(dynamic, 'ads_config', 'dynamic_resources') && (node.id === '' || node.cluster === '')) {
    throw new ConfigError(
      "ads: node 'id' and 'cluster' are required. Set it either in 'node' config or via --service-node and --service-cluster options.",
    );
  }
  const flush = durationMs(field(value, 'stats_flush_interval'), 5000, 'stats_flush_interval');
  if (flush < 1 || flush >= 300000) {
    throw new ConfigError('Proto constraint validation failed (BootstrapValidationError.StatsFlushInterval: value must be inside range [1ms, 5m0s))');
  }
  return {
    node,
    ...(adminAddress ? { admin: socketAddress(adminAddress, 'admin.address', true) } : {}),
    clusters,
    listeners,
    statsFlushIntervalMs: flush,
    hasCds: field(dynamic, 'cds_config') !== undefined,
    hasLds: field(dynamic, 'lds_config') !== undefined,
    unknownStaticFields: unknown.length,
    connectionLimitWarnings: connectionLimitWarnings(value),
  };
}
