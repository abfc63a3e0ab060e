// The server-wide stats Envoy always has, and updateServerStats(): like Envoy, most server.*
// gauges (notably server.state) change only on a stats flush and at worker start, so they can
// lag behind /ready.

import { ENVOY_BUILD_SHA } from '../version.js';
import type { StatsStore } from './store.js';

export interface ServerStatsSource {
  readonly epoch: number;
  readonly concurrency: number;
  readonly hasCds: boolean;
  readonly hasLds: boolean;
  stateNumber(): number;
  live(): boolean;
  uptimeSeconds(): number;
  ownConnections(): number;
  parentConnections(): number;
}

export function registerServerStats(stats: StatsStore, src: ServerStatsSource, generation: number): void {
  for (const g of ['server.state', 'server.live', 'server.total_connections', 'server.parent_connections', 'server.uptime',
    'server.memory_allocated', 'server.memory_heap_size', 'server.memory_physical_size', 'server.stats_recent_lookups',
    'listener_manager.workers_started', 'listener_manager.total_listeners_active', 'listener_manager.total_listeners_draining',
    'listener_manager.total_listeners_warming', 'cluster_manager.active_clusters', 'cluster_manager.warming_clusters',
    'server.seconds_until_first_ocsp_response_expiring']) stats.gauge(g);
  for (const c of ['server.debug_assertion_failures', 'server.envoy_bug_failures', 'server.dynamic_unknown_fields',
    'server.static_unknown_fields', 'server.dropped_stat_flushes', 'server.envoy_notifications',
    'listener_manager.listener_added', 'listener_manager.listener_create_success', 'cluster_manager.cluster_added']) stats.counter(c);
  stats.set('server.hot_restart_epoch', src.epoch);
  stats.set('server.hot_restart_generation', generation);
  stats.set('server.concurrency', src.concurrency);
  stats.set('server.days_until_first_cert_expiring', 4294967295);
  stats.set('server.version', parseInt(ENVOY_BUILD_SHA.slice(0, 6), 16));
  if (src.hasCds) {
    stats.counter('cluster_manager.cds.update_success');
    stats.counter('cluster_manager.cds.update_attempt');
    stats.gauge('cluster_manager.cds.version');
  }
  if (src.hasLds) {
    stats.counter('listener_manager.lds.update_success');
    stats.counter('listener_manager.lds.update_attempt');
    stats.gauge('listener_manager.lds.version');
  }
}

export function updateServerStats(stats: StatsStore, src: ServerStatsSource): void {
  const parent = src.parentConnections();
  stats.set('server.state', src.stateNumber());
  stats.set('server.live', src.live() ? 1 : 0);
  stats.set('server.uptime', src.uptimeSeconds());
  stats.set('server.parent_connections', parent);
  stats.set('server.total_connections', src.ownConnections() + parent);
  const m = process.memoryUsage();
  stats.set('server.memory_allocated', m.heapUsed);
  stats.set('server.memory_heap_size', m.heapTotal);
  stats.set('server.memory_physical_size', m.rss);
}

/** A healthy control plane answered: the first CDS and LDS updates succeeded. */
export function recordInitialXdsUpdates(stats: StatsStore, src: ServerStatsSource): void {
  if (src.hasCds) {
    stats.inc('cluster_manager.cds.update_attempt');
    stats.inc('cluster_manager.cds.update_success');
  }
  if (src.hasLds) {
    stats.inc('listener_manager.lds.update_attempt');
    stats.inc('listener_manager.lds.update_success');
  }
}
