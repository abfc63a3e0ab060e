import type { Logger } from 'pino';
import type { EnvoyProcess } from '../envoy/process.js';
import { descendants } from '../init/proc-stat.js';

/**
 * SIGKILL envoy's process group and every process below envoy in the ppid tree, which catches a
 * descendant that left the group (setsid). The tree is read BEFORE anything is killed: once envoy
 * dies, its children are re-parented to the reaper and the tree no longer leads to them. Reading
 * /proc directly needs no `ps` and is synchronous, so nothing dies between the walk and the kill.
 */
export function killTree(proc: EnvoyProcess, log: Logger): void {
  if (proc.pid === undefined) return;
  let tree: number[] = [];
  try {
    tree = descendants(proc.pid).filter((p) => p.state !== 'Z').map((p) => p.pid);
  } catch (e) {
    log.warn({ envoyPid: proc.pid, err: (e as Error).message }, "cannot read the process tree; killing envoy's process group only");
  }
  proc.signal('SIGKILL');
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone with the group already
    }
  }
  if (tree.length > 0) log.info({ envoyPid: proc.pid, descendants: tree }, "killed envoy's descendants with it");
}
