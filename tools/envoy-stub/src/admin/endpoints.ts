// Envoy's admin handler table: exact paths, help lines, and which ones mutate state (POST only).

import { parseStatsQuery, type StatsFormat } from '../stats/query.js';
import { renderJson, renderPrometheus, renderText } from '../stats/render.js';
import { HTML, JSON_TYPE, ok, type AdminContext, type AdminResponse } from './admin-context.js';
import { logging } from './logging-endpoint.js';
import { serverInfo } from './server-info.js';
import { clusters, listeners } from './topology.js';

export interface Endpoint {
  readonly path: string;
  readonly help: string;
  readonly mutatesState: boolean;
  readonly handle: (ctx: AdminContext, params: URLSearchParams) => AdminResponse;
}

function stats(ctx: AdminContext, params: URLSearchParams, defaultFormat: StatsFormat): AdminResponse {
  const parsed = parseStatsQuery(params, defaultFormat);
  if (!parsed.ok) return { status: parsed.status, body: parsed.body };
  const all = ctx.stats.all();
  switch (parsed.query.format) {
    case 'json':
      return { status: 200, body: renderJson(all, parsed.query), contentType: JSON_TYPE };
    case 'prometheus':
      return { status: 200, body: renderPrometheus(all, parsed.query) };
    case 'html':
    case 'active-html':
      return { status: 200, body: `<html><body><pre>${renderText(all, parsed.query)}</pre></body></html>`, contentType: HTML };
    default:
      return { status: 200, body: renderText(all, parsed.query) };
  }
}

function drainListeners(ctx: AdminContext, params: URLSearchParams): AdminResponse {
  const graceful = params.has('graceful');
  const skipExit = params.has('skip_exit');
  if (skipExit && !graceful) return { status: 400, body: 'skip_exit requires graceful\n' };
  ctx.drainListeners({ graceful, inboundOnly: params.has('inboundonly'), skipExit });
  return ok();
}

const readOnly = (path: string, help: string, handle: Endpoint['handle']): Endpoint => ({ path, help, mutatesState: false, handle });
const mutating = (path: string, help: string, handle: Endpoint['handle']): Endpoint => ({ path, help, mutatesState: true, handle });
const json = (body: unknown): AdminResponse => ({ status: 200, body: JSON.stringify(body, null, 1), contentType: JSON_TYPE });

export const ENDPOINTS: readonly Endpoint[] = [
  readOnly('/', 'Admin home page', () => ({ status: 200, body: homePage(), contentType: HTML })),
  readOnly('/certs', 'print certs on machine', () => json({ certificates: [] })),
  readOnly('/clusters', 'upstream cluster status', clusters),
  readOnly('/config_dump', 'dump current Envoy configs (experimental)', () => json({ configs: [] })),
  readOnly('/contention', 'dump current Envoy mutex contention stats (if enabled)', () => ({
    status: 200,
    body: 'Mutex contention tracing is not enabled. To enable, run Envoy with flag --enable-mutex-tracing.',
  })),
  mutating('/cpuprofiler', 'enable/disable the CPU profiler', () => ({ status: 400, body: '?enable=<y|n>\n' })),
  mutating('/drain_listeners', 'drain listeners', drainListeners),
  mutating('/healthcheck/fail', 'cause the server to fail health checks', (ctx) => {
    ctx.lifecycle.failHealthCheck(true);
    ctx.stats.set('server.live', 0); // at once, as Envoy's; server.state waits for the next stats flush
    return ok();
  }),
  mutating('/healthcheck/ok', 'cause the server to pass health checks', (ctx) => {
    ctx.lifecycle.failHealthCheck(false);
    ctx.stats.set('server.live', 1);
    return ok();
  }),
  mutating('/heapprofiler', 'enable/disable the heap profiler', () => ({ status: 400, body: '?enable=<y|n>\n' })),
  readOnly('/help', 'print out list of admin commands', () => ({ status: 200, body: helpText('admin commands are:\n') })),
  readOnly('/hot_restart_version', 'print the hot restart compatibility version', (ctx) => ({ status: 200, body: ctx.hotRestartVersion })),
  readOnly('/init_dump', 'dump current Envoy init manager information (experimental)', () => json({ unready_targets_dumps: [] })),
  readOnly('/listeners', 'print listener info', listeners),
  mutating('/logging', 'query/change logging levels', logging),
  readOnly('/memory', 'print current allocation/heap usage', () => {
    const m = process.memoryUsage();
    return json({ allocated: String(m.heapUsed), heap_size: String(m.heapTotal), pageheap_unmapped: '0', pageheap_free: '0', total_thread_cache: '0', total_physical_bytes: String(m.rss) });
  }),
  mutating('/quitquitquit', 'exit the server', (ctx) => ok(() => ctx.shutdown('/quitquitquit'))),
  readOnly('/ready', 'print server state, return 200 if LIVE, otherwise return 503', (ctx) => {
    const state = ctx.lifecycle.state();
    return { status: state === 'LIVE' ? 200 : 503, body: `${state}\n` };
  }),
  mutating('/reopen_logs', 'reopen access logs', (ctx) => {
    ctx.reopenLogs();
    return ok();
  }),
  mutating('/reset_counters', 'reset all counters to zero', (ctx) => {
    ctx.stats.resetCounters();
    return ok();
  }),
  readOnly('/runtime', 'print runtime values', () => json({ layers: [], entries: {} })),
  mutating('/runtime_modify', 'Adds or modifies runtime values as passed in query parameters. To delete a previously added key, use an empty string as the value. Note that deletion only applies to overrides added via this endpoint; values loaded from disk can be modified via override but not deleted. E.g. ?key1=value1&key2=value2...', () => ok()),
  readOnly('/server_info', 'print server version/status information', (ctx) => ({ status: 200, body: serverInfo(ctx), contentType: JSON_TYPE })),
  readOnly('/stats', 'print server stats', (ctx, p) => stats(ctx, p, 'text')),
  readOnly('/stats/prometheus', 'print server stats in prometheus format', (ctx, p) => stats(ctx, p, 'prometheus')),
  readOnly('/stats/recentlookups', 'Show recent stat-name lookups', () => ({ status: 200, body: 'Lookup tracking is not enabled. Use /stats/recentlookups/enable to enable.\n' })),
  mutating('/stats/recentlookups/clear', 'clear list of stat-name lookups and counter', () => ok()),
  mutating('/stats/recentlookups/disable', 'disable recording of reset stat-name lookup names', () => ok()),
  mutating('/stats/recentlookups/enable', 'enable recording of reset stat-name lookup names', () => ok()),
];

export function helpText(header: string): string {
  return header + ENDPOINTS.map((e) => `  ${e.path}${e.mutatesState ? ' (POST)' : ''}: ${e.help}\n`).join('');
}

function homePage(): string {
  const rows = ENDPOINTS.map((e) => `<tr><td><a href="${e.path}">${e.path}</a></td><td>${e.help}</td></tr>`).join('\n');
  return `<!DOCTYPE html>\n<html><head><title>Envoy Admin</title></head><body>\n<table>\n${rows}\n</table>\n</body></html>\n`;
}

