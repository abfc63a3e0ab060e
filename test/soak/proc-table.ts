// Just enough of /proc for the soak: who is below the agent, who is a zombie, and how big the agent is.
// A process is identified by (pid, start time), because pids are reused on a busy machine.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** proc(5) state letter: R, S, D, T, Z, … */
  readonly state: string;
  /** Clock ticks after boot (field 22): with the pid, a name no later process can take. */
  readonly startTicks: number;
  /** Date.now() right after this entry was read. */
  readonly readAt: number;
}

export const procKey = (p: Pick<ProcEntry, 'pid' | 'startTicks'>): string => `${p.pid}@${p.startTicks}`;

/** comm may hold spaces and ')' itself, so the fields start after the LAST ')'. */
export function parseStat(line: string, readAt: number): ProcEntry | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const rest = line.slice(close + 2).split(' ');
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const entry = { pid: Number(line.slice(0, open)), comm: line.slice(open + 1, close), state: rest[0] ?? '?', ppid: Number(rest[1]), startTicks: Number(rest[19]), readAt };
  return Number.isInteger(entry.pid) && Number.isInteger(entry.ppid) && Number.isFinite(entry.startTicks) ? entry : undefined;
}

export function readProc(pid: number): ProcEntry | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'), Date.now());
  } catch {
    return undefined; // gone
  }
}

export function allProcesses(): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const entry = readProc(Number(name));
    if (entry) out.push(entry);
  }
  return out;
}

/** Everything below `root` in the ppid tree, zombies included. */
export function descendantsOf(root: number, procs: readonly ProcEntry[]): ProcEntry[] {
  const children = new Map<number, ProcEntry[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcEntry[] = [];
  const queue = [root];
  const seen = new Set(queue);
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    for (const c of children.get(pid) ?? []) {
      if (seen.has(c.pid)) continue;
      seen.add(c.pid);
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

/** Is this very process (not a later one with its pid) still running, zombies excluded? */
export function stillRunning(p: Pick<ProcEntry, 'pid' | 'startTicks'>): boolean {
  const now = readProc(p.pid);
  return now !== undefined && now.startTicks === p.startTicks && now.state !== 'Z';
}

/** Resident set size in bytes (VmRSS), undefined once the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
