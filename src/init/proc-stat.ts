// Reading /proc/<pid>/stat: the reaper's fallback for finding our zombies, and the way a subreaper
// (which must never kill(-1)) finds its descendants. /proc must be this container's procfs, which
// it is inside a pid namespace.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  /** R, S, D, Z, T, … (proc(5)). */
  readonly state: string;
  readonly ppid: number;
}

/**
 * Parse one stat line. comm sits in parentheses and may itself contain spaces and parentheses
 * ("(a) b)"), so it ends at the LAST ')' of the line; the fields after it are plain.
 */
export function parseProcStat(line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 1 || close < open) throw new Error(`not a /proc stat line: ${JSON.stringify(line.slice(0, 80))}`);
  const pid = Number(line.slice(0, open).trim());
  const [state, ppid] = line.slice(close + 2).split(' ');
  if (!Number.isInteger(pid) || state === undefined || ppid === undefined || !Number.isInteger(Number(ppid))) {
    throw new Error(`not a /proc stat line: ${JSON.stringify(line.slice(0, 80))}`);
  }
  return { pid, comm: line.slice(open + 1, close), state, ppid: Number(ppid) };
}

/** Every process visible in /proc right now; processes that vanish mid-scan are skipped. */
export function listProcesses(procRoot = '/proc'): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync(procRoot)) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue; // only the numeric entries
    try {
      out.push(parseProcStat(readFileSync(`${procRoot}/${name}/stat`, 'latin1')));
    } catch {
      // it exited between readdir and read
    }
  }
  return out;
}

/** Zombies whose parent is `parent`. */
export function zombieChildren(parent: number, procs: readonly ProcStat[] = listProcesses()): number[] {
  return procs.filter((p) => p.state === 'Z' && p.ppid === parent).map((p) => p.pid);
}

/** Every process below `root` in the ppid tree (children, grandchildren, …), zombies included. */
export function descendants<P extends Pick<ProcStat, 'pid' | 'ppid'> = ProcStat>(root: number, procs: readonly P[] = listProcesses() as unknown as P[]): P[] {
  const byParent = new Map<number, P[]>();
  for (const p of procs) {
    const siblings = byParent.get(p.ppid);
    if (siblings) siblings.push(p);
    else byParent.set(p.ppid, [p]);
  }
  const out: P[] = [];
  const seen = new Set([root]); // a snapshot taken mid-fork/reuse could in theory contain a cycle
  const queue = [root];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    for (const child of byParent.get(pid) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}
