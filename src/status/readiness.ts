import type { AdminClient } from '../envoy/admin.js';
import { parseStats } from '../envoy/stats-text.js';

export interface Verdict {
  readonly ready: boolean;
  /** One line for the 503 body; empty when ready. */
  readonly reason: string;
}

/** Envoy's admin port as readiness needs it: one client per epoch, so its identity keys the caches. */
export type ReadinessAdmin = Pick<AdminClient, 'get'>;

/** What the lifecycle says, read afresh at every use: before envoy is asked, after, and when it cannot be. */
export interface LifecycleView {
  /** Set when the lifecycle alone decides, without asking envoy. */
  readonly decided?: Verdict;
  /** Whether the lifecycle counts envoy as serving (a LIVE epoch, no shutdown begun). */
  readonly serving: boolean;
  /** The not-ready reason when envoy reports LIVE but the lifecycle does not serve yet. */
  readonly notServingReason: string;
  /** Envoy's admin port may refuse connections while an epoch serves (a hot restart hands it over). */
  readonly adminMayBeMissing: boolean;
}

/** Where readiness comes from: the lifecycle, and the admin client of the newest envoy epoch. */
export interface ReadinessSource {
  lifecycle(): LifecycleView;
  admin(): ReadinessAdmin;
  /** Why envoy cannot serve for want of a workload certificate (the CA client's), if so. */
  certificates?(): string | undefined;
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
export const freshMs = 200;

export class Readiness {
  #inflight: Promise<Verdict> | undefined;
  /** Keyed by admin client and lifecycle: a verdict from before envoy went LIVE must not outlive that. */
  #last: { verdict: Verdict; at: number; admin: ReadinessAdmin; serving: boolean } | undefined;
  /** Epochs whose xDS config was seen: like Istio, the config check passes once and stays passed. */
  readonly #configSeen = new WeakSet<ReadinessAdmin>();

  private readonly source: ReadinessSource;

  constructor(source: ReadinessSource) {
    this.source = source;
  }

  check(): Promise<Verdict> {
    const lifecycle = this.source.lifecycle();
    if (lifecycle.decided) return Promise.resolve(lifecycle.decided.ready ? { ready: true, reason: '' } : notReady(lifecycle.decided.reason));
    const noCertificate = this.source.certificates?.();
    if (noCertificate) return Promise.resolve(notReady(noCertificate));
    const admin = this.source.admin();
    const serving = lifecycle.serving;
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

  async #ask(admin: ReadinessAdmin): Promise<Verdict> {
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
      const lifecycle = this.source.lifecycle();
      if (!lifecycle.serving) return notReady(lifecycle.notServingReason);
      return { ready: true, reason: '' };
    } catch (e) {
      if (this.source.lifecycle().adminMayBeMissing) return { ready: true, reason: '' };
      return notReady(`envoy admin unreachable: ${(e as Error).message}`);
    }
  }
}

function notReady(reason: string): Verdict {
  return { ready: false, reason };
}
