// The two blocks Istio 1.5 prints before anything else: the raw environment it could have read,
// then the resolved variables (under Istio's names, which differ from the flag names).
import type { IptablesConfig } from './config.js';

const environmentNames = [
  'ENVOY_PORT',
  'INBOUND_CAPTURE_PORT',
  'ISTIO_INBOUND_INTERCEPTION_MODE',
  'ISTIO_INBOUND_TPROXY_MARK',
  'ISTIO_INBOUND_TPROXY_ROUTE_TABLE',
  'ISTIO_INBOUND_PORTS',
  'ISTIO_LOCAL_EXCLUDE_PORTS',
  'ISTIO_SERVICE_CIDR',
  'ISTIO_SERVICE_EXCLUDE_CIDR',
] as const;

export function configReport(config: IptablesConfig, env: NodeJS.ProcessEnv): string {
  const variables: Array<[string, string]> = [
    ['PROXY_PORT', config.proxyPort],
    ['PROXY_INBOUND_CAPTURE_PORT', config.inboundCapturePort],
    ['PROXY_UID', config.proxyUid],
    ['PROXY_GID', config.proxyGid],
    ['INBOUND_INTERCEPTION_MODE', config.interceptionMode],
    ['INBOUND_TPROXY_MARK', config.tproxyMark],
    ['INBOUND_TPROXY_ROUTE_TABLE', config.tproxyRouteTable],
    ['INBOUND_PORTS_INCLUDE', config.inboundPorts],
    ['INBOUND_PORTS_EXCLUDE', config.inboundExcludePorts],
    ['OUTBOUND_IP_RANGES_INCLUDE', config.outboundIncludeCidrs],
    ['OUTBOUND_IP_RANGES_EXCLUDE', config.outboundExcludeCidrs],
    ['OUTBOUND_PORTS_EXCLUDE', config.outboundExcludePorts],
    ['KUBEVIRT_INTERFACES', config.kubevirtInterfaces],
    ['ENABLE_INBOUND_IPV6', String(config.enableInboundIpv6)],
  ];
  return [
    'Environment:',
    '------------',
    ...environmentNames.map((name) => `${name}=${env[name] ?? ''}`),
    '',
    'Variables:',
    '----------',
    ...variables.map(([name, value]) => `${name}=${value}`),
    '',
    '',
  ].join('\n');
}
