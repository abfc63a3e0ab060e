// GET /server_info: envoy.admin.v3.ServerInfo as Envoy prints it (1-space indent, every
// primitive field present, fields in proto field-number order).

import type { StubOptions } from '../cli/options.js';
import { levelName } from '../cli/options.js';
import { ENVOY_BUILD_LABEL, ENVOY_VERSION } from '../version.js';
import type { AdminContext } from './admin-context.js';

const seconds = (ms: number) => `${Math.floor(ms / 1000)}s`;
const duration = (s: number) => `${s}s`;
const msDuration = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(3)}s`);

const MODE_NAMES = { serve: 'Serve', validate: 'Validate', init_only: 'InitOnly' } as const;

export function commandLineOptions(o: StubOptions, baseId: number): Record<string, unknown> {
  return {
    base_id: String(baseId),
    concurrency: o.concurrency,
    config_path: o.configPath,
    config_yaml: o.configYaml,
    allow_unknown_static_fields: o.allowUnknownStaticFields,
    admin_address_path: o.adminAddressPath,
    local_address_ip_version: o.localAddressIpVersion,
    log_level: levelName(o.logLevel),
    component_log_level: o.componentLogLevelText,
    log_format: o.logFormat,
    log_path: o.logPath,
    service_cluster: o.serviceCluster,
    service_node: o.serviceNode,
    service_zone: o.serviceZone,
    file_flush_interval: msDuration(o.fileFlushIntervalMsec),
    drain_time: duration(o.drainTimeS),
    parent_shutdown_time: duration(o.parentShutdownTimeS),
    mode: MODE_NAMES[o.mode],
    disable_hot_restart: o.disableHotRestart,
    enable_mutex_tracing: o.enableMutexTracing,
    restart_epoch: o.restartEpoch,
    cpuset_threads: o.cpusetThreads,
    reject_unknown_dynamic_fields: o.rejectUnknownDynamicFields,
    log_format_escaped: o.logFormatEscaped,
    disabled_extensions: o.disabledExtensions,
    ignore_unknown_dynamic_fields: o.ignoreUnknownDynamicFields,
    use_dynamic_base_id: o.useDynamicBaseId,
    base_id_path: o.baseIdPath,
    drain_strategy: o.drainStrategy === 'immediate' ? 'Immediate' : 'Gradual',
    enable_fine_grain_logging: o.enableFineGrainLogging,
    socket_path: o.socketPath,
    socket_mode: o.socketMode,
    enable_core_dump: o.enableCoreDump,
    stats_tag: o.statsTags.map(([k, v]) => `${k}:${v}`),
    skip_hot_restart_on_no_parent: o.skipHotRestartOnNoParent,
    skip_hot_restart_parent_stats: o.skipHotRestartParentStats,
    skip_deprecated_logs: o.skipDeprecatedLogs,
    file_flush_min_size: 0, // Envoy 1.40 reports 0 whatever --file-flush-min-size-kb says
    log_stacktrace_single_entry: false,
  };
}

function node(ctx: AdminContext): Record<string, unknown> {
  const raw = ctx.model.node.raw;
  const [major, minor, patch] = ENVOY_VERSION.split('.').map(Number);
  // Like Envoy 1.40: no locality object unless the bootstrap or --service-zone gives one.
  const hasLocality = raw.locality !== undefined || ctx.model.node.zone !== '';
  const locality = { region: '', zone: ctx.model.node.zone, sub_zone: '', ...(raw.locality as object | undefined) };
  if (ctx.model.node.zone) locality.zone = ctx.model.node.zone;
  return {
    ...raw,
    id: ctx.model.node.id,
    cluster: ctx.model.node.cluster,
    ...(hasLocality ? { locality } : {}),
    user_agent_name: 'envoy',
    user_agent_build_version: {
      version: { major_number: major, minor_number: minor, patch },
      metadata: { 'revision.sha': ENVOY_BUILD_LABEL.split('/')[0], 'revision.status': 'Clean', 'build.type': 'RELEASE', 'ssl.version': 'BoringSSL' },
    },
    extensions: [],
    client_features: [],
    listening_addresses: [],
  };
}

export function serverInfo(ctx: AdminContext): string {
  const now = Date.now();
  const info = {
    version: ENVOY_BUILD_LABEL,
    state: ctx.lifecycle.state(),
    uptime_current_epoch: seconds(now - ctx.startTimeMs),
    uptime_all_epochs: seconds(now - ctx.originalStartTimeMs()),
    hot_restart_version: ctx.hotRestartVersion,
    command_line_options: commandLineOptions(ctx.options, ctx.baseId),
    node: node(ctx),
    // Envoy 1.40: whether this process, a hot-restart child, is still initializing.
    hot_restart_initializing: ctx.options.restartEpoch > 0 && ctx.lifecycle.initPhase !== 'Initialized',
  };
  return `${JSON.stringify(info, null, 1)}\n`;
}
