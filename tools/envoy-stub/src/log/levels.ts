// spdlog's level names as Envoy accepts them, and the component (logger) names it knows.

export const LEVEL_NAMES = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const;

/** Index into LEVEL_NAMES, or undefined. Envoy also accepts "warn" for "warning". */
export function parseLevel(text: string): number | undefined {
  if (text === 'warn') return 3;
  const i = (LEVEL_NAMES as readonly string[]).indexOf(text);
  return i >= 0 ? i : undefined;
}

/** The short spdlog names used by %L; %l prints the long name ("warning"). */
export const SHORT_LEVEL = ['T', 'D', 'I', 'W', 'E', 'C', 'O'] as const;

// A subset of Envoy's logger ids (source/common/common/logger.h), sorted as /logging lists them.
export const COMPONENTS = [
  'admin', 'alternate_protocols_cache', 'aws', 'assert', 'backtrace', 'client', 'config', 'connection',
  'conn_handler', 'dns', 'dubbo', 'envoy_bug', 'ext_authz', 'file', 'filter', 'forward_proxy', 'grpc',
  'happy_eyeballs', 'hc', 'health_checker', 'hot_restart', 'http', 'http2', 'init', 'io', 'jwt', 'lua',
  'main', 'matcher', 'misc', 'overload', 'pool', 'rbac', 'router', 'runtime', 'secret', 'stats',
  'tcp', 'testing', 'tracing', 'upstream', 'udp', 'wasm', 'xds',
].sort();
