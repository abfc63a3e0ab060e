import type { ProxyConfig } from '../config/proxy-config.js';

/**
 * Envoy's command line for one epoch: Istio 1.5's vector without the flags modern Envoy dropped
 * (--max-obj-name-len) and with --base-id, so two agents on one host can hot-restart independently.
 * Only real Envoy flags; never --disable-hot-restart (hot restart is how certificates are reloaded).
 */
export function envoyArgs(config: ProxyConfig, epoch: number, configFile: string): string[] {
  const args = [
    '-c', configFile,
    '--restart-epoch', String(epoch),
    '--drain-time-s', String(Math.trunc(config.drainDurationMs / 1000)),
    '--parent-shutdown-time-s', String(Math.trunc(config.parentShutdownDurationMs / 1000)),
    '--service-cluster', config.serviceCluster,
    '--service-node', config.nodeId,
    '--base-id', String(config.baseId),
    '--local-address-ip-version', config.ipv6 ? 'v6' : 'v4',
  ];
  if (config.envoyLogLevel) args.push('-l', config.envoyLogLevel);
  if (config.envoyComponentLogLevel) args.push('--component-log-level', config.envoyComponentLogLevel);
  if (config.concurrency > 0) args.push('--concurrency', String(config.concurrency));
  return args;
}
