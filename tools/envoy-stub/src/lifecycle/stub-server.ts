// One running stub Envoy (serve and init_only modes): admin, listeners, initialization to LIVE,
// drains, the parent side of hot restart, and shutdown. Envoy's InstanceImpl in miniature.

import { writeFileSync } from 'node:fs';
import { AdminServer } from '../admin/admin-server.js';
import type { AdminContext, DrainRequest } from '../admin/admin-context.js';
import type { StubOptions } from '../cli/options.js';
import type { BootstrapModel } from '../config/bootstrap-model.js';
import type { EventLog } from '../faults/event-log.js';
import type { StubSettings } from '../faults/settings.js';
import type { HotRestarter } from '../hot-restart/hot-restarter.js';
import { ListenerManager } from '../listeners/listener-manager.js';
import type { EnvoyLog } from '../log/envoy-log.js';
import { registerServerStats, recordInitialXdsUpdates, updateServerStats, type ServerStatsSource } from '../stats/server-stats.js';
import { StatsStore } from '../stats/store.js';
import { DrainManager } from './drain-manager.js';
import { exitProcess } from './process-exit.js';
import { Lifecycle, STATE_NUMBER } from './server-state.js';
import { serveParentRole } from './parent-hooks.js';

export class StubServer implements AdminContext {
  readonly lifecycle = new Lifecycle();
  readonly stats: StatsStore;
  readonly listeners: ListenerManager;
  readonly drain: DrainManager;
  readonly startTimeMs = Date.now();
  readonly admin: AdminServer;
  private originalStart = this.startTimeMs;
  private generation = 1;
  private parentConnections = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private shuttingDown = false;
  private workersStarted = false;
  private readonly statsSource: ServerStatsSource;

  readonly options: StubOptions;
  readonly settings: StubSettings;
  readonly model: BootstrapModel;
  readonly log: EnvoyLog;
  readonly events: EventLog;
  readonly restarter: HotRestarter;

  constructor(
    options: StubOptions,
    settings: StubSettings,
    model: BootstrapModel,
    log: EnvoyLog,
    events: EventLog,
    restarter: HotRestarter,
  ) {
    this.options = options;
    this.settings = settings;
    this.model = model;
    this.log = log;
    this.events = events;
    this.restarter = restarter;
    this.stats = new StatsStore(options.statsTags);
    for (const c of model.clusters) this.stats.registerTagValue(c.name);
    this.drain = new DrainManager(options.drainStrategy, options.drainTimeS * 1000, () => this.lifecycle.isHealthCheckFailed);
    this.listeners = new ListenerManager(model.listeners, {
      stats: this.stats,
      drain: this.drain,
      clusters: new Map(model.clusters.map((c) => [c.name, c])),
      workers: options.concurrency,
    });
    this.admin = new AdminServer(this, events, settings.hangAdmin, settings.prometheusFaultFile);
    this.lifecycle.on('state', (from, to) => events.write('state', { from, to }));
    this.statsSource = {
      epoch: options.restartEpoch,
      concurrency: options.concurrency,
      hasCds: model.hasCds,
      hasLds: model.hasLds,
      stateNumber: () => STATE_NUMBER[this.lifecycle.state()],
      live: () => !this.lifecycle.isHealthCheckFailed,
      uptimeSeconds: () => Math.floor((Date.now() - this.originalStart) / 1000),
      ownConnections: () => this.listeners.activeConnections,
      parentConnections: () => this.parentConnections,
    };
  }

  get hotRestartVersion(): string {
    return this.restarter.version;
  }
  get baseId(): number {
    return this.restarter.baseId;
  }
  originalStartTimeMs(): number {
    return this.originalStart;
  }
  hotRestartGeneration(): number {
    return this.generation;
  }

  /** Runs until shutdown: hot-restart handshake, admin, listeners, initialization, workers. */
  async run(): Promise<void> {
    const child = this.restarter.child;
    if (child) {
      const reply = this.restarter.parentReply;
      if (reply) {
        this.originalStart = reply.originalStartTimeMs;
        this.generation = reply.hotRestartGeneration + 1;
      }
      child.onParentGone(() => {
        this.parentConnections = 0;
        this.events.write('hot_restart', { message: 'parent gone' });
      });
    } else if (!this.restarter.enabled) {
      this.generation = 0;
    }
    registerServerStats(this.stats, this.statsSource, this.generation);
    this.stats.inc('server.static_unknown_fields', this.model.unknownStaticFields);
    await this.startAdmin();
    await this.listeners.bindAll(child ? (address) => child.duplicateParentListenSocket(address) : undefined);
    for (const l of this.listeners.listeners) {
      this.stats.inc('listener_manager.listener_added');
      this.stats.inc('listener_manager.listener_create_success');
      this.events.write('listening', { name: l.config.name, address: l.bound });
    }
    this.stats.set('listener_manager.total_listeners_active', this.listeners.listeners.length);
    for (let i = 0; i < this.model.clusters.length; i++) this.stats.inc('cluster_manager.cluster_added');
    this.stats.set('cluster_manager.active_clusters', this.model.clusters.length);
    if (this.restarter.parentRole) serveParentRole(this);
    this.flushTimer = setInterval(() => this.flushStats(), this.model.statsFlushIntervalMs);
    this.lifecycle.advance('Initializing');
    if (this.options.mode === 'init_only') {
      this.log.info('main', 'source/server/server.cc:1018', 'exiting');
      exitProcess(this.events, 0, 'init_only');
    }
    await new Promise((r) => setTimeout(r, this.settings.liveDelayMs));
    if (this.shuttingDown) return;
    recordInitialXdsUpdates(this.stats, this.statsSource);
    this.lifecycle.advance('Initialized');
    await this.startWorkers();
  }

  private async startAdmin(): Promise<void> {
    const address = this.model.admin;
    if (!address) {
      this.log.warn('main', 'source/server/server.cc:842', 'No admin address given, so no admin HTTP server started.');
      return;
    }
    const bound = await this.admin.listen(address);
    this.log.info('main', 'source/server/server.cc:911', `admin address: ${this.admin.addressText}`);
    this.events.write('listening', { name: 'admin', address: bound });
    if (this.options.adminAddressPath !== '') writeFileSync(this.options.adminAddressPath, this.admin.addressText);
  }

  private async startWorkers(): Promise<void> {
    const [deprecated, noLimit] = ['source/server/server.cc:961', 'source/server/server.cc:1059'];
    for (const w of this.model.connectionLimitWarnings) this.log.warn('main', w.startsWith('Usage') ? deprecated : noLimit, w);
    this.log.info('main', 'source/server/server.cc:978', 'starting main dispatch loop');
    this.log.info('main', 'source/server/server.cc:1012', 'all clusters initialized. initializing init manager');
    await this.listeners.startAccepting();
    if (this.shuttingDown) return;
    this.workersStarted = true;
    this.stats.set('listener_manager.workers_started', 1);
    this.restarter.clearInitializing();
    updateServerStats(this.stats, this.statsSource);
    const child = this.restarter.child;
    if (child?.parentAlive) child.drainParentListeners();
    // Every epoch, even 0 (no parent), runs the parent-shutdown timer and logs its end, as Envoy 1.40 does.
    const timer = setTimeout(() => {
      this.log.info('main', 'source/server/drain_manager_impl.cc:226', 'shutting down parent after drain');
      if (!child?.parentAlive) return;
      this.events.write('hot_restart', { message: 'terminate parent' });
      child.terminateParent();
    }, this.options.parentShutdownTimeS * 1000);
    timer.unref();
    this.log.info('main', 'source/server/server.cc:1057', 'starting workers');
  }

  private flushStats(): void {
    updateServerStats(this.stats, this.statsSource);
    const child = this.restarter.child;
    if (child?.parentAlive && !this.options.skipHotRestartParentStats) {
      void child.parentConnections().then((n) => {
        if (n !== undefined && child.parentAlive) this.parentConnections = n;
      });
    }
  }

  /** Stops the stats flush (Envoy does when a child takes the admin port). */
  stopStatsFlush(): void {
    if (this.flushTimer) clearInterval(this.flushTimer);
  }

  drainListeners(r: DrainRequest): void {
    if (!r.graceful) {
      this.log.info('admin', 'source/server/admin/server_cmd_handler.cc:97', 'stopping listeners');
      this.listeners.stopListeners(r.inboundOnly);
      this.events.write('drain', { graceful: false, inboundOnly: r.inboundOnly });
      return;
    }
    this.events.write('drain', { graceful: true, inboundOnly: r.inboundOnly, skipExit: r.skipExit });
    this.drain.startDrainSequence(() => {
      this.events.write('drain', { complete: true });
      if (!r.skipExit) this.listeners.stopListeners(r.inboundOnly);
    }, r.inboundOnly);
  }

  reopenLogs(): void {
    this.log.reopen();
  }

  get isWorkersStarted(): boolean {
    return this.workersStarted;
  }

  /** SIGTERM, SIGINT, /quitquitquit: no drain, tell the parent to go too, exit 0. */
  shutdown(reason: string): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.log.info('main', 'source/server/server.cc:1063', 'shutting down server instance');
    this.stopStatsFlush();
    this.drain.stop();
    this.listeners.closeAll();
    this.admin.destroy();
    const finish = () => {
      this.restarter.shutdown();
      this.log.info('main', 'source/server/server.cc:1091', 'main dispatch loop exited');
      this.log.info('main', 'source/server/server.cc:1149', 'exiting');
      exitProcess(this.events, 0, reason);
    };
    const child = this.restarter.child;
    if (child?.parentAlive) child.terminateParent(finish);
    else finish();
  }
}
