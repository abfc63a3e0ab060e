import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { zombiesReapedTotal } from '../init/index.js';

// The one registry every part of the agent records into; the status server exposes it on
// /stats/prometheus ahead of envoy's and the application's metrics. Names carry the istio_agent_ prefix.
export const registry = new Registry();

let defaultsOn = false;
/** Process and event-loop metrics; started by the proxy command only (they sample in the background). */
export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry, prefix: 'istio_agent_' });
}

export const metrics = {
  envoyStarts: new Counter({ name: 'istio_agent_envoy_starts_total', help: 'Envoy processes started, any epoch.', registers: [registry] }),
  envoyRestarts: new Counter({
    name: 'istio_agent_envoy_restarts_total',
    help: 'Envoy restarts by reason: crash (cold, after back-off), hot_restart (new epoch), cold_restart (reload that needed epoch 0).',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  envoyExits: new Counter({ name: 'istio_agent_envoy_exits_total', help: 'Envoy exits by outcome.', labelNames: ['outcome'] as const, registers: [registry] }),
  envoyEpoch: new Gauge({ name: 'istio_agent_envoy_epoch', help: 'Restart epoch of the newest running envoy; -1 when none runs.', registers: [registry] }),
  envoyLive: new Gauge({ name: 'istio_agent_envoy_live', help: '1 while an envoy epoch is LIVE and the agent is not draining.', registers: [registry] }),
  reloadsRejected: new Counter({ name: 'istio_agent_reloads_rejected_total', help: 'New bootstraps rejected (render or envoy --mode validate failed); the running envoy kept serving.', registers: [registry] }),
  drainSeconds: new Gauge({ name: 'istio_agent_drain_duration_seconds', help: 'How long the last shutdown drain took.', registers: [registry] }),
  zombiesReaped: new Counter({
    name: 'istio_agent_zombies_reaped_total',
    help: 'Orphaned processes reaped by the agent as PID 1 or subreaper.',
    registers: [registry],
    // The reaper keeps its own count (it runs before anything else is loaded); read it at scrape time.
    collect() {
      this.reset();
      this.inc(zombiesReapedTotal());
    },
  }),
  certReloads: new Counter({
    name: 'istio_agent_cert_reloads_total',
    help: 'Certificate changes seen, by result: applied (hot restart requested), invalid (rejected), unchanged (same contents).',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  certExpiry: new Gauge({
    name: 'istio_agent_cert_expiry_timestamp_seconds',
    help: 'notAfter of each watched certificate, as a Unix timestamp.',
    labelNames: ['file'] as const,
    registers: [registry],
  }),
  scrapeFailures: new Counter({
    name: 'istio_agent_scrape_failures_total',
    help: 'Failures while merging metrics from a source (envoy, application).',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  scrapesAbandoned: new Counter({
    name: 'istio_agent_scrapes_abandoned_total',
    help: 'Metric scrapes whose client hung up before the end (a scrape timeout); what the sources were still sending was dropped.',
    registers: [registry],
  }),
};
