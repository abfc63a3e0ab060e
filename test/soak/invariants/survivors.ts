// "No process outlives the agent": everything ever seen below it, plus every envoy and orphan the
// logs name (some live too briefly for the sampler), must be gone once it has exited. A pid that
// now belongs to a process started after the agent exited is a reuse, not a survivor.
import { readFileSync } from 'node:fs';
import { readProc, stillRunning, type ProcEntry } from '../proc-table.js';

/** Kernel clock ticks since boot right now (USER_HZ is 100 on every Linux ABI). */
export function ticksNow(): number {
  return Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 100);
}

export interface Survivor {
  readonly pid: number;
  readonly comm: string;
  readonly how: 'sampled' | 'named in logs';
}

export function findSurvivors(sampled: Iterable<ProcEntry>, namedPids: Iterable<number>, ticksAtExit: number): Survivor[] {
  const out: Survivor[] = [];
  const seen = new Set<number>();
  for (const p of sampled) {
    seen.add(p.pid);
    if (stillRunning(p)) out.push({ pid: p.pid, comm: p.comm, how: 'sampled' });
  }
  for (const pid of namedPids) {
    if (seen.has(pid)) continue;
    const now = readProc(pid);
    // +1 tick: the exit moment was read a little after the real exit.
    if (now && now.state !== 'Z' && now.startTicks <= ticksAtExit + 1) out.push({ pid, comm: now.comm, how: 'named in logs' });
  }
  return out;
}
