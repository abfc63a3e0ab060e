// The envoy lifecycle as one state machine: every state, event and decision is in this file, and
// nothing here does I/O. `step` takes an event and returns the actions the supervisor must perform;
// the supervisor turns their results back into events. In the spirit of s6-supervise's state table.

import type { EnvoyExit } from '../envoy/process.js';

export type State =
  | 'idle' //           nothing started yet
  | 'starting' //       an epoch runs but none is LIVE
  | 'live' //           the newest epoch is LIVE
  | 'hotRestarting' //  a LIVE epoch serves while its child (epoch n+1) initializes
  | 'coldRestarting' // every epoch is being stopped so that epoch 0 can start with a new bootstrap
  | 'backingOff' //     envoy crashed; waiting before the next epoch-0 start
  | 'draining' //       shutdown requested: listeners drain, envoy still runs
  | 'stopping' //       envoy has been told to terminate
  | 'stopped'; //       final

export type Event =
  | { readonly type: 'start' }
  | { readonly type: 'epochLive'; readonly epoch: number }
  /** `file`: the bootstrap the epoch started from, when it got that far. */
  | { readonly type: 'epochExited'; readonly epoch: number; readonly exit: EnvoyExit; readonly file?: string }
  | { readonly type: 'reloadRequested'; readonly reason: string }
  | { readonly type: 'reloadPrepared'; readonly epoch: number; readonly file: string }
  /** `file`: the bootstrap written before the rejection, if one was. */
  | { readonly type: 'reloadRejected'; readonly epoch: number; readonly reason: string; readonly file?: string }
  | { readonly type: 'liveWaitExpired' }
  | { readonly type: 'backoffElapsed' }
  /** The minimum interval since the last reload-driven start has passed. */
  | { readonly type: 'reloadGapElapsed' }
  | { readonly type: 'budgetResetDue'; readonly epoch: number }
  | { readonly type: 'shutdownRequested'; readonly reason: string; readonly fast: boolean }
  /** Drain and keep running (POST /drain): the next shutdown request then stops envoy at once. */
  | { readonly type: 'drainRequested'; readonly reason: string }
  | { readonly type: 'drainElapsed'; readonly drainMs: number }
  | { readonly type: 'killDeadline' }
  /** A signal for envoy itself (SIGUSR1: reopen the access logs). */
  | { readonly type: 'forwardRequested'; readonly signal: ForwardedSignal };

/** Signals the agent passes on to envoy rather than acting on them itself. */
export type ForwardedSignal = 'SIGUSR1';

export type Action =
  /** Start envoy at this epoch, with a prepared bootstrap or a freshly generated one. */
  | { readonly type: 'spawn'; readonly epoch: number; readonly reason: StartReason; readonly file?: string }
  /** Render, write and `--mode validate` the bootstrap for this epoch; answers reloadPrepared/Rejected. */
  | { readonly type: 'prepareReload'; readonly epoch: number }
  /** Remove a bootstrap file no running or coming epoch starts from. */
  | { readonly type: 'discardFile'; readonly file: string }
  /** Arm the deadline after which every epoch still running is killed (answers killDeadline). */
  | { readonly type: 'scheduleKillDeadline' }
  | { readonly type: 'scheduleBackoff'; readonly ms: number }
  | { readonly type: 'scheduleBudgetReset'; readonly epoch: number }
  | { readonly type: 'scheduleLiveWait' }
  /** Arm the minimum interval before the next reload-driven start (answers reloadGapElapsed). */
  | { readonly type: 'scheduleReloadGap'; readonly ms: number }
  /**
   * Ask envoy to drain its listeners. For a shutdown also arm the drain-end timer; `hold` drains
   * without ever ending on its own (POST /drain).
   */
  | { readonly type: 'drain'; readonly hold?: boolean }
  | { readonly type: 'signal'; readonly epochs: readonly number[]; readonly signal: 'SIGTERM' | 'SIGKILL' | ForwardedSignal }
  | { readonly type: 'giveUp'; readonly epoch: number; readonly exit: EnvoyExit; readonly failures: number }
  /** Remove what Envoy's hot restart leaves on the host once no epoch of this base id runs (its shared memory). */
  | { readonly type: 'releaseHotRestartState' }
  | { readonly type: 'exit'; readonly code: number }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly msg: string; readonly fields?: Record<string, unknown> };

/** Why an epoch starts: the first start, a restart after a crash, a hot restart, or a cold one for a reload. */
export type StartReason = 'initial' | 'crash' | 'hot_restart' | 'cold_restart';

export interface Limits {
  readonly restartBudget: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
  /** Minimum time between two reload-driven starts (hot or cold); requests meanwhile coalesce. */
  readonly hotRestartMinIntervalMs: number;
}

export interface Machine {
  state: State;
  /** Running epochs → whether each has been seen LIVE. */
  readonly epochs: Map<number, boolean>;
  /** Consecutive failed starts since an epoch last stayed LIVE long enough. */
  failures: number;
  /** A hot-restart child died before LIVE: Envoy's shared memory is stuck, so the next reload must be cold. */
  coldNext: boolean;
  /** A reload asked for while one could not start yet; several coalesce into one. */
  reloadPending: boolean;
  /** A reload-driven start happened less than the minimum interval ago: the next one waits. */
  reloadGap: boolean;
  /** The epoch whose bootstrap is being prepared, if any. */
  preparing: number | undefined;
  /** The validated bootstrap epoch 0 starts from once a cold restart has stopped everything. */
  coldFile: string | undefined;
  /** The kill deadline is armed and has not fired yet. */
  killArmed: boolean;
  /** The user's --customConfigFile: envoy starts from it, but it is never the agent's to remove. */
  readonly customFile: string | undefined;
  /** Epochs killed because the serving one crashed: their exits are expected, not further crashes. */
  readonly doomed: Set<number>;
  /** The back-off ended while doomed epochs were still exiting: start epoch 0 once they are gone. */
  startWhenClear: boolean;
  readonly limits: Limits;
}

export function newMachine(limits: Limits, customFile?: string): Machine {
  return {
    state: 'idle',
    epochs: new Map(),
    failures: 0,
    coldNext: false,
    reloadPending: false,
    reloadGap: false,
    preparing: undefined,
    coldFile: undefined,
    doomed: new Set(),
    startWhenClear: false,
    killArmed: false,
    customFile,
    limits,
  };
}

/** Whether kubelet may send traffic, as far as the lifecycle knows (the status server also asks envoy). */
export function isServing(m: Machine): boolean {
  return (m.state === 'live' || m.state === 'hotRestarting') && epochsSeenLive(m).length > 0;
}

/**
 * Envoy's admin port may legitimately refuse connections while a LIVE epoch still serves traffic:
 * during a hot restart the parent hands its admin port to the child, and a child that dies before
 * LIVE leaves the parent without one until the next (cold) restart.
 */
export function adminMayBeMissing(m: Machine): boolean {
  return m.state === 'hotRestarting' || (m.state === 'live' && m.coldNext);
}

/** Whether an envoy may be running whose admin port is worth asking (for its metrics). */
export function envoyMayRun(m: Machine): boolean {
  return m.state !== 'idle' && m.state !== 'backingOff';
}

/** What the lifecycle says about readiness before, and after, envoy's own stats are asked. */
export interface LifecycleReadiness {
  /** Set when the lifecycle alone decides, without asking envoy. */
  readonly decided?: { readonly ready: boolean; readonly reason: string };
  /** Whether the lifecycle counts envoy as serving (see isServing). */
  readonly serving: boolean;
  /** The not-ready reason when envoy reports LIVE but the lifecycle does not serve yet. */
  readonly notServingReason: string;
  readonly adminMayBeMissing: boolean;
}

/** The lifecycle's part of kubelet's readiness: which states are ready, and why the others are not. */
export function lifecycleReadiness(m: Machine): LifecycleReadiness {
  const facts = { serving: isServing(m), notServingReason: `envoy not ready (${m.state})`, adminMayBeMissing: adminMayBeMissing(m) };
  switch (m.state) {
    case 'draining':
    case 'stopping':
    case 'stopped':
      return { ...facts, decided: { ready: false, reason: 'draining' } };
    case 'idle':
    case 'backingOff':
    case 'coldRestarting':
      return { ...facts, decided: { ready: false, reason: 'envoy not running' } };
    case 'hotRestarting':
      // A hot restart is planned: the LIVE parent serves while the child initializes and takes the admin port.
      return { ...facts, decided: { ready: true, reason: '' } };
    default:
      return facts;
  }
}

const running = (m: Machine): number[] => [...m.epochs.keys()].sort((a, b) => a - b);
const newest = (m: Machine): number | undefined => running(m).at(-1);
/** Running epochs that have (or have not yet) been seen LIVE. */
const epochsSeenLive = (m: Machine, seen = true): number[] => running(m).filter((e) => m.epochs.get(e) === seen);
const nextEpoch = (m: Machine): number => (m.epochs.size === 0 ? 0 : newest(m)! + 1);

export function step(m: Machine, e: Event): Action[] {
  const before = m.state;
  const acts = [...filesToDiscard(m, e), ...decide(m, e)];
  // Whatever path led to stopping, nothing may outlive the kill deadline from here.
  if (m.state === 'stopping' && before !== 'stopping' && !m.killArmed) acts.push(...armKillDeadline(m));
  return releaseBeforeExit(m, acts);
}

/**
 * Real Envoy never unlinks its hot-restart shared memory, not even on a clean exit (seen with 1.40: the region
 * outlives every epoch, and a child that died before LIVE leaves its INITIALIZING bit set in it). The next epoch 0
 * recreates it, so it only matters once the agent itself ends: then nothing of this base id runs, and the region
 * is removed rather than left in the pod's /dev/shm. With an epoch still running (a give-up whose other epochs are
 * being killed) it is left alone.
 */
function releaseBeforeExit(m: Machine, acts: Action[]): Action[] {
  const exit = acts.findIndex((a) => a.type === 'exit');
  if (exit < 0 || m.epochs.size > 0) return acts;
  return [...acts.slice(0, exit), { type: 'releaseHotRestartState' }, ...acts.slice(exit)];
}

/**
 * Bootstrap files left behind, decided before the event moves the state on: an exited epoch's file
 * (unless epoch 0 of a cold restart is about to start from the same name), and a rejected reload's
 * file (unless a running epoch started from it). The user's custom config is never removed.
 */
function filesToDiscard(m: Machine, e: Event): Action[] {
  const ours = (file: string | undefined): file is string => file !== undefined && file !== m.customFile;
  if (e.type === 'epochExited' && ours(e.file) && e.file !== m.coldFile) return [{ type: 'discardFile', file: e.file }];
  if (e.type === 'reloadRejected' && ours(e.file) && !m.epochs.has(e.epoch)) return [{ type: 'discardFile', file: e.file }];
  return [];
}

function armKillDeadline(m: Machine): Action[] {
  m.killArmed = true;
  return [{ type: 'scheduleKillDeadline' }];
}

function decide(m: Machine, e: Event): Action[] {
  switch (e.type) {
    case 'start':
      if (m.state !== 'idle') return [];
      m.state = 'starting';
      return spawn(m, 0, 'initial');

    case 'epochLive':
      return onLive(m, e.epoch);

    case 'epochExited':
      return onExit(m, e.epoch, e.exit);

    case 'reloadRequested':
      return onReload(m, e.reason);

    case 'reloadPrepared':
      return onPrepared(m, e.epoch, e.file);

    case 'reloadRejected': {
      m.preparing = undefined;
      const acts: Action[] = [log('warn', 'new bootstrap rejected; the running envoy keeps serving', { epoch: e.epoch, reason: e.reason })];
      if (m.state === 'live') acts.push(...beginPendingReload(m)); // a change that arrived meanwhile deserves its own try
      return acts;
    }

    case 'reloadGapElapsed':
      m.reloadGap = false;
      if (m.state !== 'live' || !m.reloadPending) return [];
      return [log('info', 'minimum interval between hot restarts passed; starting the pending reload'), ...beginPendingReload(m)];

    case 'liveWaitExpired':
      if (m.state !== 'starting' || !m.reloadPending || m.preparing !== undefined) return [];
      // Not LIVE after the cap: it serves nothing, so a cold restart with the new bootstrap loses nothing.
      m.reloadPending = false;
      m.preparing = 0;
      return [log('warn', 'envoy not LIVE within the wait cap; restarting cold with the new bootstrap'), { type: 'prepareReload', epoch: 0 }];

    case 'backoffElapsed':
      if (m.state !== 'backingOff') return [];
      if (m.epochs.size > 0) {
        // A new epoch 0 cannot bind envoy's hot-restart sockets while a killed epoch still holds them.
        m.startWhenClear = true;
        return [];
      }
      m.state = 'starting';
      return spawn(m, 0, 'crash');

    case 'budgetResetDue':
      if (m.epochs.get(e.epoch) === true && m.failures > 0) {
        m.failures = 0;
        return [log('info', 'envoy stayed LIVE; restart budget reset', { epoch: e.epoch })];
      }
      return [];

    case 'shutdownRequested':
      return onShutdown(m, e.reason, e.fast);

    case 'drainRequested':
      if (m.state === 'draining' || m.state === 'stopping' || m.state === 'stopped') return [];
      if (m.epochs.size === 0) return [log('info', 'drain requested with no envoy running; nothing to drain', { reason: e.reason })];
      m.state = 'draining';
      m.reloadPending = false;
      return [log('info', 'draining envoy and holding; the next shutdown request stops it', { reason: e.reason }), { type: 'drain', hold: true }];

    case 'drainElapsed':
      if (m.state !== 'draining') return [];
      m.state = 'stopping';
      return [log('info', 'drain finished; terminating envoy', { drainMs: e.drainMs }), { type: 'signal', epochs: running(m), signal: 'SIGTERM' }];

    case 'forwardRequested':
      return onForward(m, e.signal);

    case 'killDeadline':
      m.killArmed = false;
      if (m.state !== 'draining' && m.state !== 'stopping') return [];
      if (m.epochs.size === 0) return [];
      m.state = 'stopping';
      return [log('warn', 'envoy still running at the shutdown deadline; killing it', { epochs: running(m) }), { type: 'signal', epochs: running(m), signal: 'SIGKILL' }];
  }
}

/**
 * Only epochs seen LIVE get a forwarded signal: one still initializing may not have installed its
 * handler yet, and the default action of SIGUSR1 would kill it. It opens its logs fresh anyway.
 */
function onForward(m: Machine, signal: ForwardedSignal): Action[] {
  const live = epochsSeenLive(m);
  const starting = epochsSeenLive(m, false);
  const acts: Action[] = [];
  if (starting.length > 0) acts.push(log('info', 'signal not forwarded to an envoy that is not LIVE yet', { signal, epochs: starting }));
  if (live.length > 0) acts.push({ type: 'signal', epochs: live, signal });
  return acts;
}

function spawn(m: Machine, epoch: number, reason: StartReason, file?: string): Action[] {
  m.epochs.set(epoch, false);
  return [{ type: 'spawn', epoch, reason, ...(file ? { file } : {}) }];
}

function onLive(m: Machine, epoch: number): Action[] {
  if (!m.epochs.has(epoch)) return [];
  m.epochs.set(epoch, true);
  if (epoch !== newest(m) || (m.state !== 'starting' && m.state !== 'hotRestarting')) return [];
  const from = m.state;
  m.state = 'live';
  const acts: Action[] = [log('info', from === 'starting' ? 'envoy is LIVE' : 'hot restart complete: new epoch is LIVE', { epoch }), { type: 'scheduleBudgetReset', epoch }];
  acts.push(...beginPendingReload(m));
  return acts;
}

function onExit(m: Machine, epoch: number, exit: EnvoyExit): Action[] {
  const wasLive = m.epochs.get(epoch) ?? false;
  m.epochs.delete(epoch);
  const fields = { epoch, ...exit };

  if (m.doomed.delete(epoch)) {
    const acts: Action[] = [log('info', 'envoy epoch stopped after the crash of the serving one', fields)];
    if (m.epochs.size === 0 && m.startWhenClear && m.state === 'backingOff') {
      m.startWhenClear = false;
      m.state = 'starting';
      acts.push(...spawn(m, 0, 'crash'));
    }
    return acts;
  }

  if (m.state === 'draining' || m.state === 'stopping') {
    if (m.epochs.size > 0) return [log('info', 'envoy epoch stopped', fields)];
    m.state = 'stopped';
    return [log('info', 'envoy stopped', fields), { type: 'exit', code: 0 }];
  }
  if (m.state === 'coldRestarting') {
    if (m.epochs.size > 0) return [log('info', 'envoy epoch stopped for a cold restart', fields)];
    const file = m.coldFile;
    m.coldFile = undefined;
    m.coldNext = false;
    m.state = 'starting';
    return [log('info', 'restarting envoy cold at epoch 0', fields), ...spawn(m, 0, 'cold_restart', file)];
  }

  const top = newest(m);
  // The LIVE parent of a hot restart dying before its child is LIVE leaves nothing serving: a crash,
  // not the end of a hot restart (Envoy's child then fails its hot-restart calls to the parent anyway).
  const servingLost = m.state === 'hotRestarting' && wasLive && exit.status !== 0 && epochsSeenLive(m).length === 0;
  if (top !== undefined && epoch < top && !servingLost) {
    // An older epoch leaving while a newer one runs: the normal end of a hot restart.
    if (m.state === 'hotRestarting' && epochsSeenLive(m).length === 0) {
      // A clean exit of the parent before its child is LIVE (asked to quit, or a LIVE poll that lags
      // the child): nothing serves until the child is LIVE, which then completes the start.
      m.state = 'starting';
      return [log('warn', 'previous envoy epoch exited before its successor is LIVE', fields)];
    }
    if (m.state === 'live' || m.state === 'hotRestarting') {
      return [log(exit.status === 0 ? 'info' : 'warn', 'previous envoy epoch exited after hot restart', fields)];
    }
    return [log('warn', 'previous envoy epoch exited while its successor initializes', fields)];
  }
  if (top !== undefined && !wasLive && m.state === 'hotRestarting') {
    // The child died before LIVE: its parent still serves. Envoy now considers the base id "initializing"
    // until an epoch-0 start, so the next reload must be cold.
    m.coldNext = true;
    m.state = m.epochs.get(top) ? 'live' : 'starting';
    return [log('error', 'hot-restart child exited before LIVE; previous epoch keeps serving, next reload restarts cold', fields)];
  }
  const others = running(m);
  if (exit.code === 0 && exit.spawnError === undefined) {
    // Envoy exits 0 only when asked to (its admin /quitquitquit, a SIGTERM from someone else): the
    // agent's job ends with it, as Istio's pilot-agent does. A Job's last step may rely on that.
    m.reloadPending = false;
    m.coldNext = false;
    if (others.length === 0) {
      m.state = 'stopped';
      return [log('info', 'envoy exited 0 on its own; the agent stops too', fields), { type: 'exit', code: 0 }];
    }
    m.state = 'stopping';
    return [log('info', 'envoy exited 0 on its own; stopping the other epochs, then the agent', { ...fields, epochs: others }), { type: 'signal', epochs: others, signal: 'SIGTERM' }];
  }
  // The serving envoy is gone (or a LIVE child died while its parent drains): that is a crash.
  m.failures += 1;
  const acts: Action[] = [log('error', 'envoy exited unexpectedly', { ...fields, failures: m.failures, budget: m.limits.restartBudget })];
  if (others.length > 0) {
    for (const e of others) m.doomed.add(e);
    acts.push({ type: 'signal', epochs: others, signal: 'SIGKILL' });
  }
  m.coldNext = false;
  m.reloadPending = false;
  if (m.failures >= m.limits.restartBudget) {
    m.state = 'stopped';
    return [...acts, { type: 'giveUp', epoch, exit, failures: m.failures }, { type: 'exit', code: 1 }];
  }
  m.state = 'backingOff';
  const ms = Math.min(m.limits.backoffMs * 2 ** (m.failures - 1), m.limits.backoffMaxMs);
  return [...acts, { type: 'scheduleBackoff', ms }];
}

function onReload(m: Machine, reason: string): Action[] {
  switch (m.state) {
    case 'live':
      if (m.preparing !== undefined) {
        m.reloadPending = true;
        return [log('info', 'reload requested while one is being prepared; coalesced', { reason })];
      }
      if (m.reloadGap) {
        m.reloadPending = true;
        return [log('info', 'reload requested within the minimum interval since the last hot restart; coalesced', { reason })];
      }
      return [log('info', 'reload requested', { reason }), ...beginReload(m)];
    case 'starting':
    case 'hotRestarting':
    case 'coldRestarting': {
      const first = !m.reloadPending;
      m.reloadPending = true;
      const acts: Action[] = [log('info', 'reload requested before envoy is LIVE; queued', { reason })];
      if (first && m.state === 'starting') acts.push({ type: 'scheduleLiveWait' });
      return acts;
    }
    case 'backingOff':
      return [log('info', 'reload requested during back-off; the next start uses a fresh bootstrap', { reason })];
    default:
      return [log('info', 'reload ignored during shutdown', { reason, state: m.state })];
  }
}

/**
 * Start the coalesced reload, if there is one and nothing holds it back: one being prepared already,
 * or the minimum interval since the last reload-driven start (reloadGapElapsed comes back here).
 */
function beginPendingReload(m: Machine): Action[] {
  if (!m.reloadPending || m.preparing !== undefined || m.reloadGap) return [];
  m.reloadPending = false;
  return beginReload(m);
}

function beginReload(m: Machine): Action[] {
  const epoch = m.coldNext ? 0 : nextEpoch(m);
  m.preparing = epoch;
  return [{ type: 'prepareReload', epoch }];
}

function onPrepared(m: Machine, epoch: number, file: string): Action[] {
  m.preparing = undefined;
  if (m.state !== 'live' && m.state !== 'starting') return [...discardUnlessCustom(m, file), log('info', 'prepared bootstrap discarded', { epoch, state: m.state })];
  if (epoch === 0 && m.epochs.size > 0) {
    m.state = 'coldRestarting';
    m.coldFile = file;
    return [log('warn', 'cold restart: stopping every epoch before starting epoch 0', { epochs: running(m) }), { type: 'signal', epochs: running(m), signal: 'SIGTERM' }, ...armReloadGap(m)];
  }
  if (m.state !== 'live') return discardUnlessCustom(m, file);
  m.state = 'hotRestarting';
  return [log('info', 'hot restart: starting new epoch', { epoch }), ...spawn(m, epoch, 'hot_restart', file), ...armReloadGap(m)];
}

/** A prepared bootstrap is ours to delete, unless it is the user's --customConfigFile, used as it is. */
function discardUnlessCustom(m: Machine, file: string): Action[] {
  return file === m.customFile ? [] : [{ type: 'discardFile', file }];
}

/**
 * Every reload-driven start opens a gap before the next one may start. Each hot restart costs a
 * validation run, a second envoy initializing beside the first, and it cuts the drain of the epoch
 * before (Envoy keeps at most two: epoch n+2 terminates epoch n). Real certificate rotations come
 * minutes or hours apart, so only a storm (a writer looping, a flapping mount) ever meets the gap.
 */
function armReloadGap(m: Machine): Action[] {
  if (m.limits.hotRestartMinIntervalMs <= 0) return [];
  m.reloadGap = true;
  return [{ type: 'scheduleReloadGap', ms: m.limits.hotRestartMinIntervalMs }];
}

function onShutdown(m: Machine, reason: string, fast: boolean): Action[] {
  switch (m.state) {
    case 'idle':
    case 'backingOff':
    case 'stopped':
      m.state = 'stopped';
      return [log('info', 'shutdown with no envoy running', { reason }), { type: 'exit', code: 0 }];
    case 'draining':
      m.state = 'stopping';
      return [log('info', 'second shutdown request: skipping the rest of the drain', { reason }), { type: 'signal', epochs: running(m), signal: 'SIGTERM' }];
    case 'stopping':
      return [];
    default:
      if (m.epochs.size === 0) {
        m.state = 'stopped';
        return [{ type: 'exit', code: 0 }];
      }
      m.reloadPending = false;
      if (fast) {
        m.state = 'stopping';
        return [log('info', 'fast shutdown: terminating envoy without drain', { reason }), { type: 'drain' }, ...armKillDeadline(m), { type: 'signal', epochs: running(m), signal: 'SIGTERM' }];
      }
      m.state = 'draining';
      return [log('info', 'shutdown: draining envoy', { reason }), { type: 'drain' }, ...armKillDeadline(m)];
  }
}

function log(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): Action {
  return { type: 'log', level, msg, ...(fields ? { fields } : {}) };
}
