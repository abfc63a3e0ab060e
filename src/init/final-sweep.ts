// The way out. When a namespace's init exits the kernel SIGKILLs everything left in it, with no
// grace, so as PID 1 we do it ourselves first, the s6 way: TERM everyone, wait briefly, KILL the
// rest, then reap until we have no child at all. As a subreaper we must not kill(-1) (that would hit
// every process the user owns); our descendants come from the /proc ppid tree instead.
import type { Logger } from 'pino';
import { peekExitedChild } from './native.js';
import { descendants } from './proc-stat.js';

export interface SweepResult {
  /** Processes still running when the sweep began. */
  readonly leftovers: number;
  /** Of those, how many needed SIGKILL after the grace period. */
  readonly killed: number;
  /** False if a child still existed when the time ran out (it will die with us, or be re-parented). */
  readonly clean: boolean;
}

export interface SweepOptions {
  /** Grace between SIGTERM and SIGKILL, and again the bound for the final reaping (ms). */
  readonly timeoutMs: number;
  readonly reapOnce: () => number;
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  readonly pollMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Descendants that still run (zombies are dead already and only need reaping). */
function runningDescendants(): number[] {
  return descendants(process.pid).filter((p) => p.state !== 'Z').map((p) => p.pid);
}

function signalAll(signal: 'SIGTERM' | 'SIGKILL', pids: readonly number[]): void {
  if (process.pid === 1) {
    try {
      process.kill(-1, signal); // from a namespace init: every process of the namespace but us
    } catch {
      // ESRCH: nobody left
    }
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

async function until(done: () => boolean, timeoutMs: number, pollMs: number, reapOnce: () => number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    reapOnce();
    if (done()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(pollMs); // lets libuv reap (and emit 'exit' for) its own children meanwhile
  }
}

export async function finalSweep(options: SweepOptions): Promise<SweepResult> {
  const { timeoutMs, reapOnce, log, pollMs = 20 } = options;
  const running = runningDescendants();
  let killed = 0;
  if (running.length > 0) {
    log?.info({ leftovers: running.length }, 'final sweep: SIGTERM to what is left');
    signalAll('SIGTERM', running);
    const gone = await until(() => runningDescendants().length === 0, timeoutMs, pollMs, reapOnce);
    if (!gone) {
      const stubborn = runningDescendants();
      killed = stubborn.length;
      log?.warn({ stubborn: stubborn.length }, 'final sweep: SIGKILL after the grace period');
      signalAll('SIGKILL', stubborn);
    }
  }
  const clean = await until(() => peekExitedChild() === -1, timeoutMs, pollMs, reapOnce);
  if (!clean) log?.warn({}, 'final sweep: children remain after the time ran out');
  return { leftovers: running.length, killed, clean };
}
