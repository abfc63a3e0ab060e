// A TLS listener whose certificate comes from SDS, as istiod 1.5 sent them to a proxy whose node metadata says
// SDS=true: DownstreamTlsContext with secret `default` fetched through the bootstrap's `sds-grpc` cluster (the
// agent's SDS socket). Envoy keeps such a listener warming until the secret arrives.
import type { Resource } from './types.js';

const hcmType = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const routerType = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const tlsType = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

/** The ConfigSource of a secret served by the agent (the bootstrap's `sds_config` parameter). */
export const agentSdsConfig: Resource = {
  api_config_source: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }] },
  resource_api_version: 'V3',
};

export interface SdsListenerOptions {
  readonly name?: string;
  readonly port: number;
  /** The cluster requests are routed to (e.g. seedNames(appPort).outboundCluster). */
  readonly cluster: string;
  readonly secretName?: string;
  /** Files instead of SDS (what istiod 1.5 sent a proxy without SDS): envoy reads them when it builds the listener. */
  readonly files?: { readonly certChain: string; readonly key: string };
  readonly address?: string;
}

export function sdsTlsListener(o: SdsListenerOptions): Resource {
  const name = o.name ?? 'tls_sds';
  const hcm = {
    '@type': hcmType,
    stat_prefix: name,
    route_config: { name, virtual_hosts: [{ name, domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: o.cluster } }] }] },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': routerType } }],
  };
  return {
    name,
    address: { socket_address: { address: o.address ?? '127.0.0.1', port_value: o.port } },
    filter_chains: [
      {
        filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }],
        transport_socket: {
          name: 'envoy.transport_sockets.tls',
          typed_config: {
            '@type': tlsType,
            common_tls_context: o.files
              ? { tls_certificates: [{ certificate_chain: { filename: o.files.certChain }, private_key: { filename: o.files.key } }] }
              : { tls_certificate_sds_secret_configs: [{ name: o.secretName ?? 'default', sds_config: agentSdsConfig }] },
          },
        },
      },
    ],
  };
}
