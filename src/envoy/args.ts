import type { ProxyConfig } from '../config/proxy-config.js';

/**
 * Istio 1.5's envoy log format: each line says which epoch wrote it (two run side by side in a hot restart).
 * spdlog syntax; Envoy 1.40 takes it unchanged.
 */
export function envoyLogFormat(epoch: number): string {
  return `[Envoy (Epoch ${epoch})] [%Y-%m-%d %T.%e][%t][%l][%n] %v`;
}

/**
 * Envoy's command line for one epoch: Istio 1.5's vector without the flag modern Envoy dropped
 * (--max-obj-name-len 189: Envoy 1.40 exits with "Couldn't find match for argument"; stat names have had no
 * length limit since Envoy 1.11's symbol table) and with --base-id, so two agents on one host can hot-restart
 * independently. Only real Envoy flags; never --disable-hot-restart (hot restart is how certificates are reloaded).
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
    '--log-format', envoyLogFormat(epoch),
  ];
  if (config.envoyLogLevel) args.push('-l', config.envoyLogLevel);
  if (config.envoyComponentLogLevel) args.push('--component-log-level', config.envoyComponentLogLevel);
  if (config.concurrency > 0) args.push('--concurrency', String(config.concurrency));
  return args;
}
