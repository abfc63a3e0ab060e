import type { Logger } from 'pino';
import type { ProxyConfig } from '../config/proxy-config.js';
import type { SupervisionConfig } from '../config/supervision.js';
import type { EnvoyExit } from '../envoy/process.js';
import { systemClock, type Clock } from './clock.js';
import { drainUntilDone } from './drain.js';
import { envoyMayRun, isServing, lifecycleReadiness, newMachine, step, type Action, type Event, type ForwardedSignal, type LifecycleReadiness, type Machine, type State } from './machine.js';
import { envoyRunner, type EnvoyAdmin, type EnvoyRunner, type RunningEnvoy } from './runner.js';
import { SupervisorStats } from './stats.js';
import { Timers } from './timers.js';
import { writeTerminationMessage } from './termination.js';

interface RunningEpoch {
  readonly proc: RunningEnvoy;
  /** Its own admin client: during a hot restart two epochs take turns on one admin port. */
  readonly admin: EnvoyAdmin;
  /** The bootstrap this epoch was started with, removed when it exits (unless it is the custom file). */
  readonly file: string;
  readonly liveAbort: AbortController;
}

/**
 * Performs what the state machine decides: spawns epochs, watches them become LIVE, drains, signals,
 * schedules timers. All decisions stay in machine.ts; this class only turns actions into I/O and
 * I/O results back into events.
 */
export class Supervisor {
  readonly stats = new SupervisorStats();
  /** Called once an envoy process is spawned (any epoch): work that should overlap envoy's own start-up. */
  onEnvoyStarted: ((epoch: number) => void) | undefined;
  readonly #machine: Machine;
  readonly #epochs = new Map<number, RunningEpoch>();
  readonly #timers: Timers;
  readonly #runner: EnvoyRunner;
  readonly #clock: Clock;
  /** For the moments no epoch runs (drain requests still go somewhere harmless). */
  readonly #standbyAdmin: EnvoyAdmin;
  readonly #done: Promise<number>;
  #finish!: (code: number) => void;
  #shutdownStartedAt = 0;
  readonly #drainAbort = new AbortController();
  #adminGeneration = 0;

  readonly config: ProxyConfig;
  readonly supervision: SupervisionConfig;
  readonly log: Logger;

  constructor(
    config: ProxyConfig,
    supervision: SupervisionConfig,
    log: Logger,
    /** Real envoy processes and time unless a test brings its own. */
    world: { readonly runner?: EnvoyRunner; readonly clock?: Clock } = {},
  ) {
    this.config = config;
    this.supervision = supervision;
    this.log = log;
    this.#runner = world.runner ?? envoyRunner(config, log);
    this.#clock = world.clock ?? systemClock;
    this.#timers = new Timers(this.#clock);
    this.#machine = newMachine(supervision, config.customConfigFile);
    this.#standbyAdmin = this.#runner.admin();
    this.#done = new Promise((resolve) => (this.#finish = resolve));
  }

  get localhost(): string {
    return this.config.ipv6 ? '::1' : '127.0.0.1';
  }

  get state(): State {
    return this.#machine.state;
  }

  /** True while some epoch is LIVE and no shutdown has begun. */
  get serving(): boolean {
    return isServing(this.#machine);
  }

  /** The lifecycle's part of readiness (status/ reads it through a ReadinessSource). */
  lifecycleReadiness(): LifecycleReadiness {
    return lifecycleReadiness(this.#machine);
  }

  /** Envoy's admin origin for the metrics merge; undefined while no envoy runs. */
  envoyAdminOrigin(): string | undefined {
    const host = this.localhost.includes(':') ? `[${this.localhost}]` : this.localhost;
    return envoyMayRun(this.#machine) ? `http://${host}:${this.config.proxyAdminPort}` : undefined;
  }

  /** Counts the epochs that went LIVE: each took envoy's admin port over from the one before. */
  get adminGeneration(): number {
    return this.#adminGeneration;
  }

  /** The admin client of the newest running epoch: the one that owns (or is about to own) the admin port. */
  get admin(): EnvoyAdmin {
    const newest = Math.max(-1, ...this.#epochs.keys());
    return this.#epochs.get(newest)?.admin ?? this.#standbyAdmin;
  }

  /** Drain and keep running until the next shutdown request (POST /drain). */
  requestDrain(reason: string): void {
    this.dispatch({ type: 'drainRequested', reason });
  }

  /** Start epoch 0; resolves with the agent's exit code once everything has stopped. */
  run(): Promise<number> {
    this.dispatch({ type: 'start' });
    return this.#done;
  }

  requestReload(reason: string): void {
    this.dispatch({ type: 'reloadRequested', reason });
  }

  requestShutdown(reason: string, fast = false): void {
    this.dispatch({ type: 'shutdownRequested', reason, fast });
  }

  /** Pass a signal on to every LIVE epoch (the machine decides which may take it). */
  signalEnvoy(signal: ForwardedSignal): void {
    this.dispatch({ type: 'forwardRequested', signal });
  }

  dispatch(event: Event): void {
    const before = this.#machine.state;
    const actions = step(this.#machine, event);
    this.stats.serving(isServing(this.#machine));
    if (this.#machine.state !== before) {
      this.log.info({ from: before, to: this.#machine.state, event: event.type }, `lifecycle: ${before} → ${this.#machine.state}`);
      if (this.#machine.state === 'draining' || this.#machine.state === 'stopping') this.#shutdownStartedAt ||= this.#clock.now();
    }
    for (const action of actions) this.#perform(action);
  }

  #perform(a: Action): void {
    switch (a.type) {
      case 'log':
        this.log[a.level](a.fields ?? {}, a.msg);
        return;
      case 'spawn':
        this.stats.starting(a.reason);
        void this.#spawn(a.epoch, a.file);
        return;
      case 'prepareReload':
        void this.#prepare(a.epoch);
        return;
      case 'discardFile':
        this.#runner.discard(a.file);
        return;
      case 'scheduleBackoff':
        this.log.info({ ms: a.ms }, 'backing off before restarting envoy at epoch 0');
        this.#timers.set('backoff', a.ms, () => this.dispatch({ type: 'backoffElapsed' }));
        return;
      case 'scheduleBudgetReset':
        this.#timers.set(`budget-${a.epoch}`, this.supervision.budgetResetMs, () => this.dispatch({ type: 'budgetResetDue', epoch: a.epoch }));
        return;
      case 'scheduleKillDeadline':
        this.#timers.set('kill', this.config.parentShutdownDurationMs, () => this.dispatch({ type: 'killDeadline' }));
        return;
      case 'scheduleReloadGap':
        this.#timers.set('reload-gap', a.ms, () => this.dispatch({ type: 'reloadGapElapsed' }));
        return;
      case 'scheduleLiveWait':
        this.#timers.set('live-wait', this.supervision.liveWaitMs, () => this.dispatch({ type: 'liveWaitExpired' }));
        return;
      case 'drain':
        this.#beginDrain(a.hold === true);
        return;
      case 'signal':
        for (const epoch of a.epochs) this.#signal(epoch, a.signal);
        return;
      case 'giveUp':
        this.#giveUp(a.epoch, a.exit, a.failures);
        return;
      case 'releaseHotRestartState':
        this.#runner.releaseHotRestartState?.();
        return;
      case 'exit':
        this.#timers.clearAll();
        this.#drainAbort.abort();
        void this.#standbyAdmin.close().finally(() => this.#finish(a.code));
        return;
    }
  }

  async #spawn(epoch: number, prepared?: string): Promise<void> {
    let file = prepared;
    if (file === undefined) {
      try {
        file = await this.#runner.writeBootstrap(epoch);
      } catch (e) {
        this.log.error({ epoch, err: (e as Error).message }, 'cannot generate the bootstrap');
        this.dispatch({ type: 'epochExited', epoch, exit: { code: null, signal: null, status: 1, spawnError: (e as Error).message } });
        return;
      }
    }
    const proc = this.#runner.start(epoch, file);
    const admin = this.#runner.admin();
    const running: RunningEpoch = { proc, admin, file, liveAbort: new AbortController() };
    this.#epochs.set(epoch, running);
    this.stats.started(epoch);
    this.log.info({ epoch, envoyPid: proc.pid, args: proc.args }, 'envoy started');
    this.onEnvoyStarted?.(epoch);
    void this.#runner.waitUntilLive(admin, epoch, running.liveAbort.signal).then((live) => {
      if (!live) return;
      this.#adminGeneration += 1;
      this.dispatch({ type: 'epochLive', epoch });
    });
    const exit = await proc.exited;
    running.liveAbort.abort();
    void admin.close();
    this.#epochs.delete(epoch);
    this.#timers.clear(`budget-${epoch}`);
    this.stats.exited(epoch, exit, proc.stderrTail());
    this.dispatch({ type: 'epochExited', epoch, exit, file });
  }

  async #prepare(epoch: number): Promise<void> {
    let file: string | undefined;
    try {
      file = await this.#runner.writeBootstrap(epoch);
      const verdict = await this.#runner.validate(file);
      if (!verdict.ok) throw new Error(verdict.reason);
      this.dispatch({ type: 'reloadPrepared', epoch, file });
    } catch (e) {
      this.stats.reloadRejected();
      this.dispatch({ type: 'reloadRejected', epoch, reason: (e as Error).message, ...(file ? { file } : {}) });
    }
  }

  #beginDrain(hold: boolean): void {
    const started = this.#clock.now();
    const base = this.config.role === 'sidecar' ? '/drain_listeners?inboundonly&graceful' : '/drain_listeners?graceful';
    const path = hold ? `${base}&skip_exit` : base;
    // Envoy answers an unknown or malformed admin request with a non-200 and no drain: say so, not just errors.
    void this.admin.post(path).then(
      (res) => (res.status === 200 ? this.log.info({ path }, 'envoy accepted the drain request') : this.log.warn({ path, status: res.status, body: res.body.trim() }, 'drain request refused')),
      (e: Error) => this.log.warn({ err: e.message }, 'drain request failed'),
    );
    if (hold) return;
    const drainDone = drainUntilDone({
      admin: this.admin,
      drainMs: this.config.drainDurationMs,
      exitOnZero: this.supervision.exitOnZeroActiveConnections,
      minimumMs: this.supervision.minimumDrainMs,
      ignoredPorts: [this.config.envoyStatusPort, this.config.envoyPrometheusPort],
      log: this.log,
      signal: this.#drainAbort.signal,
      clock: this.#clock,
    });
    void drainDone.then(() => {
      const drainMs = this.#clock.now() - started;
      this.stats.drained(drainMs);
      this.dispatch({ type: 'drainElapsed', drainMs });
    });
  }

  #signal(epoch: number, signal: 'SIGTERM' | 'SIGKILL' | ForwardedSignal): void {
    const running = this.#epochs.get(epoch);
    if (!running) return;
    this.log.info({ epoch, envoyPid: running.proc.pid, signal }, 'signalling envoy');
    if (signal === 'SIGKILL') running.proc.kill();
    else running.proc.signal(signal);
  }

  #giveUp(epoch: number, exit: EnvoyExit, failures: number): void {
    const tail = this.stats.lastStderr(epoch);
    const message = writeTerminationMessage(this.supervision.terminationMessagePath, { epoch, exit, failures, stderr: tail });
    this.log.error({ epoch, ...exit, failures, message }, 'envoy keeps failing; giving up so Kubernetes can restart the container');
  }

  /** Seconds since the shutdown began (for the drain benchmark and logs). */
  get shutdownElapsedMs(): number {
    return this.#shutdownStartedAt ? this.#clock.now() - this.#shutdownStartedAt : 0;
  }
}
