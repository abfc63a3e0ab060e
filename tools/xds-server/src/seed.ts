// The config that makes the seed pod real on one machine: Istio's inbound listener (15006) routing over RDS to an
// EDS cluster for the local app, and an outbound listener (15001) with an inline route to a STATIC cluster for the
// same app (no iptables here, so there is no original destination to pass through to). All four xDS types are used.
import type { Resource, Snapshot } from './types.js';

export interface SeedOptions {
  readonly version?: string;
  readonly inboundPort?: number;
  readonly outboundPort?: number;
  /** The app's port, where the inbound and outbound routes lead. */
  readonly appPort?: number;
  /** Where listeners bind; 127.0.0.1 keeps a local run off the network. */
  readonly listenAddress?: string;
  readonly appAddress?: string;
}

const hcmType = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const routerType = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const ads = { ads: {}, resource_api_version: 'V3' };

const socket = (address: string, port: number): Resource => ({ socket_address: { address, port_value: port } });

export function endpointsFor(clusterName: string, address: string, port: number): Resource {
  return { cluster_name: clusterName, endpoints: [{ lb_endpoints: [{ endpoint: { address: socket(address, port) } }] }] };
}

// Istio marks its listeners INBOUND/OUTBOUND: the agent's shutdown drain (/drain_listeners?inboundonly) only reaches
// listeners whose traffic_direction is INBOUND.
function httpListener(name: string, direction: 'INBOUND' | 'OUTBOUND', address: string, port: number, statPrefix: string, routes: Resource): Resource {
  const hcm = {
    '@type': hcmType,
    stat_prefix: statPrefix,
    ...routes,
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': routerType } }],
  };
  return {
    name,
    address: socket(address, port),
    traffic_direction: direction,
    filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }],
  };
}

function routeTo(name: string, cluster: string): Resource {
  return { name, virtual_hosts: [{ name, domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] }] };
}

/** Names in Istio's style, so what Envoy's admin shows reads like a sidecar's. */
export function seedNames(appPort: number) {
  return {
    inboundListener: 'virtualInbound',
    outboundListener: 'virtualOutbound',
    inboundCluster: `inbound|${appPort}||`,
    outboundCluster: `outbound|${appPort}||app.local`,
    inboundRoute: `inbound|http|${appPort}`,
    outboundRoute: `outbound|http|${appPort}`,
  };
}

export function seedSnapshot(o: SeedOptions = {}): Snapshot {
  const inboundPort = o.inboundPort ?? 15006;
  const outboundPort = o.outboundPort ?? 15001;
  const appPort = o.appPort ?? 8080;
  const listen = o.listenAddress ?? '127.0.0.1';
  const app = o.appAddress ?? '127.0.0.1';
  const n = seedNames(appPort);
  const connect_timeout = { seconds: 1 };
  return {
    version: o.version ?? '1',
    listeners: [
      httpListener(n.inboundListener, 'INBOUND', listen, inboundPort, `inbound_${listen}_${inboundPort}`, { rds: { route_config_name: n.inboundRoute, config_source: ads } }),
      httpListener(n.outboundListener, 'OUTBOUND', listen, outboundPort, `outbound_${listen}_${outboundPort}`, { route_config: routeTo(n.outboundRoute, n.outboundCluster) }),
    ],
    routes: [routeTo(n.inboundRoute, n.inboundCluster)],
    clusters: [
      { name: n.inboundCluster, type: 'EDS', connect_timeout, eds_cluster_config: { eds_config: ads } },
      { name: n.outboundCluster, type: 'STATIC', connect_timeout, load_assignment: endpointsFor(n.outboundCluster, app, appPort) },
    ],
    endpoints: [endpointsFor(n.inboundCluster, app, appPort)],
  };
}
