import type { AdminClient } from '../envoy/admin.js';
import type { Supervisor } from '../supervisor/supervisor.js';

export interface Verdict {
  readonly ready: boolean;
  /** One line for the 503 body; empty when ready. */
  readonly reason: string;
}

const stateNames = ['LIVE', 'DRAINING', 'PRE_INITIALIZING', 'INITIALIZING'];
const configFilter = '^(cluster_manager\\.cds|listener_manager\\.lds)\\.(update_success|update_rejected)$';
const stateFilter = '^(server\\.state|listener_manager\\.workers_started)$';

/**
 * Readiness as kubelet needs it: the lifecycle answers first (draining, envoy gone, hot restart in
 * flight), then envoy's admin stats — config received, server.state LIVE, workers started. Probes that
 * arrive together share one admin query, so a probe storm costs envoy one request.
 */
// Envoy's server.state itself only changes on a stats flush (5 s by default), so a verdict this young is
// as fresh as envoy's own answer; kubelet's probes and load balancers' checks then cost envoy nothing.
const freshMs = 200;

export class Readiness {
  #inflight: Promise<Verdict> | undefined;
  /** Keyed by admin client and lifecycle: a verdict from before envoy went LIVE must not outlive that. */
  #last: { verdict: Verdict; at: number; admin: AdminClient; serving: boolean } | undefined;
  /** Epochs whose xDS config was seen: like Istio, the config check passes once and stays passed. */
  readonly #configSeen = new WeakSet<AdminClient>();

  constructor(private readonly supervisor: Supervisor) {}

  check(): Promise<Verdict> {
    const state = this.supervisor.state;
    if (state === 'draining' || state === 'stopping' || state === 'stopped') return Promise.resolve(notReady('draining'));
    if (state === 'idle' || state === 'backingOff' || state === 'coldRestarting') return Promise.resolve(notReady('envoy not running'));
    // A hot restart is planned: the LIVE parent serves while the child initializes and takes the admin port.
    if (state === 'hotRestarting') return Promise.resolve({ ready: true, reason: '' });
    const admin = this.supervisor.admin;
    const serving = this.supervisor.serving;
    const last = this.#last;
    if (last && last.admin === admin && last.serving === serving && Date.now() - last.at < freshMs) return Promise.resolve(last.verdict);
    this.#inflight ??= this.#ask(admin)
      .then((verdict) => {
        this.#last = { verdict, at: Date.now(), admin, serving };
        return verdict;
      })
      .finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }

  async #ask(admin: AdminClient): Promise<Verdict> {
    try {
      if (!this.#configSeen.has(admin)) {
        const stats = parseStats((await admin.get(`/stats?usedonly&filter=${encodeURIComponent(configFilter)}`, 1_000)).body);
        const cds = [stats.get('cluster_manager.cds.update_success') ?? 0, stats.get('cluster_manager.cds.update_rejected') ?? 0];
        const lds = [stats.get('listener_manager.lds.update_success') ?? 0, stats.get('listener_manager.lds.update_rejected') ?? 0];
        if (cds[0]! === 0 || lds[0]! === 0) {
          return notReady(`config not received from XDS server (is Istiod running?): cds updates: ${cds[0]} successful, ${cds[1]} rejected; lds updates: ${lds[0]} successful, ${lds[1]} rejected`);
        }
        this.#configSeen.add(admin);
      }
      const stats = parseStats((await admin.get(`/stats?usedonly&filter=${encodeURIComponent(stateFilter)}`, 3_000)).body);
      const serverState = stats.get('server.state');
      if (serverState === undefined) return notReady('envoy did not report server.state');
      if (serverState !== 0) return notReady(`server is not live, current state is: ${stateNames[serverState] ?? serverState}`);
      if (stats.get('listener_manager.workers_started') !== 1) return notReady('workers have not yet started');
      if (!this.supervisor.serving) return notReady(`envoy not ready (${this.supervisor.state})`);
      return { ready: true, reason: '' };
    } catch (e) {
      if (this.supervisor.adminMayBeMissing) return { ready: true, reason: '' };
      return notReady(`envoy admin unreachable: ${(e as Error).message}`);
    }
  }
}

function notReady(reason: string): Verdict {
  return { ready: false, reason };
}

/** Envoy's text stats, "name: value" per line; the first occurrence of a name wins. */
export function parseStats(text: string): Map<string, number> {
  const stats = new Map<string, number>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(': ');
    if (i <= 0) continue;
    const name = line.slice(0, i);
    const value = Number(line.slice(i + 2));
    if (!stats.has(name) && Number.isFinite(value)) stats.set(name, value);
  }
  return stats;
}
