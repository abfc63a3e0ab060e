import type { Logger } from 'pino';
import treeKill from 'tree-kill';
import type { EnvoyProcess } from '../envoy/process.js';

/**
 * SIGKILL envoy's whole process group, then its process tree for anything that left the group
 * (setsid). tree-kill needs `ps`; without it the group kill still happened, so a failure is only logged.
 */
export function killTree(proc: EnvoyProcess, log: Logger): void {
  if (proc.pid !== undefined) {
    treeKill(proc.pid, 'SIGKILL', (err) => {
      if (err) log.debug({ pid: proc.pid, err: err.message }, 'tree-kill found nothing more to kill');
    });
  }
  proc.signal('SIGKILL');
}
