// Random but seeded event sequences against the state machine, with a small model of the world around
// it (processes that start, go LIVE, crash or exit when signalled; timers that fire; bootstraps that
// validate or not). After every step the lifecycle must tell the truth about what serves.
import t from 'tap';
import type { EnvoyExit } from '../../src/envoy/process.js';
import { isServing, newMachine, step, type Event, type Machine } from '../../src/supervisor/machine.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** What must hold after every step; undefined when it does. */
function violation(m: Machine): string | undefined {
  const live = [...m.epochs].filter(([, seenLive]) => seenLive).map(([epoch]) => epoch);
  const newest = Math.max(-1, ...m.epochs.keys());
  if (m.state === 'hotRestarting' && !(live.length > 0 && m.epochs.get(newest) === false)) return 'hotRestarting needs a LIVE parent and an initializing child';
  if (m.state === 'live' && m.epochs.get(newest) !== true) return 'live, but the newest epoch is not LIVE';
  if (m.state === 'starting' && live.length > 0) return 'starting, but an epoch is LIVE';
  if (m.state === 'backingOff' && [...m.epochs.keys()].some((e) => !m.doomed.has(e))) return 'backing off while an epoch that is not being stopped runs';
  if (isServing(m) && !live.some((e) => !m.doomed.has(e))) return 'serving without a LIVE epoch';
  return undefined;
}

function simulate(seed: number, steps: number): { trace: string[]; problem?: string } {
  const random = lcg(seed);
  const m = newMachine({ restartBudget: 1_000, backoffMs: 1, backoffMaxMs: 2, hotRestartMinIntervalMs: 2 });
  const running = new Map<number, { generation: number; live: boolean; file: string }>();
  let generation = 0;
  type Pending = Event | { type: 'signalled'; epoch: number; generation: number; exit: EnvoyExit; file: string };
  const pending: Pending[] = [];
  const trace: string[] = [];
  const exit = (signal: NodeJS.Signals, status: number): EnvoyExit => ({ code: null, signal, status });
  /** The minimum interval between reload-driven starts is running (armed, its event not yet delivered). */
  let gapOpen = false;
  /** A kill deadline was armed during this shutdown (it may have fired since). */
  let killArmed = false;

  const apply = (e: Event): string | undefined => {
    trace.push(`${m.state} ← ${JSON.stringify(e)}`);
    const before = m.state;
    if (e.type === 'reloadGapElapsed') gapOpen = false;
    for (const a of step(m, e)) {
      trace.push(`    ${a.type === 'log' ? a.msg : JSON.stringify(a)}`);
      // Rate limit: a reload starts only outside the interval (the LIVE-wait cap, a recovery, excepted),
      // and a hot restart never starts while another is in flight.
      if (a.type === 'prepareReload' && gapOpen && e.type !== 'liveWaitExpired') return 'a reload started within the minimum interval';
      if (a.type === 'spawn' && a.reason === 'hot_restart' && before === 'hotRestarting') return 'two hot restarts in flight';
      if (a.type === 'scheduleReloadGap') {
        gapOpen = true;
        pending.push({ type: 'reloadGapElapsed' });
      }
      if (a.type === 'spawn') running.set(a.epoch, { generation: ++generation, live: false, file: a.file ?? `/rev${a.epoch}.json` });
      // An exited epoch's or a rejected reload's file is removed only when no running epoch, nor the cold
      // restart to come, starts from it. (A preparation finishing after a shutdown began discards its
      // file by name even though epoch 0 may run from that name; envoy has read it by then.)
      if (a.type === 'discardFile' && (e.type === 'epochExited' || e.type === 'reloadRejected') && ([...running.values()].some((p) => p.file === a.file) || a.file === m.coldFile)) return `discarded ${a.file}, still in use`;
      if (a.type === 'scheduleKillDeadline') {
        killArmed = true;
        pending.push({ type: 'killDeadline' });
      }
      if (a.type === 'prepareReload') pending.push(random() < 0.8 ? { type: 'reloadPrepared', epoch: a.epoch, file: `/rev${a.epoch}.json` } : { type: 'reloadRejected', epoch: a.epoch, reason: 'invalid', file: `/rev${a.epoch}.json` });
      if (a.type === 'scheduleBackoff') pending.push({ type: 'backoffElapsed' });
      if (a.type === 'scheduleLiveWait') pending.push({ type: 'liveWaitExpired' });
      if (a.type === 'scheduleBudgetReset') pending.push({ type: 'budgetResetDue', epoch: a.epoch });
      if (a.type === 'drain' && !a.hold) pending.push({ type: 'drainElapsed', drainMs: 1_000 });
      if (a.type === 'signal' && a.signal !== 'SIGUSR1') {
        for (const epoch of a.epochs) {
          const p = running.get(epoch);
          if (p) pending.push({ type: 'signalled', epoch, generation: p.generation, exit: exit(a.signal, a.signal === 'SIGKILL' ? 137 : 143), file: p.file });
        }
      }
    }
    // Whatever led to stopping, a deadline bounds it.
    if (m.state === 'stopping' && !killArmed) return 'stopping without a kill deadline';
    return violation(m);
  };

  let problem = apply({ type: 'start' });
  for (let i = 0; i < steps && !problem && m.state !== 'stopped'; i++) {
    const choices: (() => string | undefined)[] = [];
    for (const [epoch, p] of running) {
      if (!p.live) choices.push(() => ((p.live = true), apply({ type: 'epochLive', epoch })));
      choices.push(() => (running.delete(epoch), apply({ type: 'epochExited', epoch, exit: exit('SIGABRT', 134), file: p.file })));
      // Rarely, an exit 0 nobody asked the agent for (envoy's own /quitquitquit): the agent stops.
      if (random() < 0.05) choices.push(() => (running.delete(epoch), apply({ type: 'epochExited', epoch, exit: { code: 0, signal: null, status: 0 }, file: p.file })));
    }
    if (pending.length > 0) {
      const deliver = (): string | undefined => {
        const e = pending.splice(Math.floor(random() * pending.length), 1)[0]!;
        if (e.type !== 'signalled') return apply(e);
        if (running.get(e.epoch)?.generation !== e.generation) return undefined; // that process is already gone
        running.delete(e.epoch);
        return apply({ type: 'epochExited', epoch: e.epoch, exit: e.exit, file: e.file });
      };
      choices.push(deliver, deliver);
    }
    choices.push(() => apply({ type: 'reloadRequested', reason: 'SIGHUP' }));
    choices.push(() => apply({ type: 'forwardRequested', signal: 'SIGUSR1' }));
    if (random() < 0.05) choices.push(() => apply({ type: 'shutdownRequested', reason: 'SIGTERM', fast: random() < 0.3 }));
    if (random() < 0.02) choices.push(() => apply({ type: 'drainRequested', reason: 'POST /drain' }));
    problem = choices[Math.floor(random() * choices.length)]!();
  }
  return { trace, ...(problem ? { problem } : {}) };
}

t.test('under random crashes, reloads, timers and shutdowns the lifecycle never claims what does not serve', async (t) => {
  let failures = 0;
  for (let seed = 1; seed <= 2_000 && failures < 3; seed++) {
    const { trace, problem } = simulate(seed, 80);
    if (problem) {
      failures++;
      t.fail(`seed ${seed}: ${problem}\n${trace.slice(-30).join('\n')}`);
    }
  }
  t.equal(failures, 0, '2000 seeded runs of 80 steps');
});
