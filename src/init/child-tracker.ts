// Which pids belong to libuv? Every ChildProcess this thread creates is published on the
// 'child_process' diagnostics channel from its constructor — before spawn(), so the pid is read
// later, when the reaper asks. A child is ours until Node has recorded its exit; its zombie must
// then be left for libuv's own waitpid(<pid>), or the ChildProcess never emits 'exit'.
// Worker threads publish on their own channel: only the main thread may spawn.
import type { ChildProcess } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';

const live = new Set<ChildProcess>();
let subscribed = false;

function onChildProcess(message: unknown): void {
  const child = (message as { process?: ChildProcess }).process;
  if (!child) return;
  live.add(child);
  // A failed spawn (ENOENT, …) emits no 'exit' but sets exitCode; the lookups below drop it then.
  // (No 'error' listener here: it would silence the owner's unhandled spawn errors.)
  child.once('exit', () => live.delete(child));
}

/** Start tracking; idempotent. Must run before anything can spawn. */
export function trackChildren(): void {
  if (subscribed) return;
  diagnosticsChannel.subscribe('child_process', onChildProcess);
  subscribed = true;
}

/** Is `pid` a child Node spawned and has not yet seen exit? Then only libuv may reap it. */
export function ownedByNode(pid: number): boolean {
  for (const child of live) {
    if (child.exitCode !== null || child.signalCode !== null) {
      live.delete(child); // already settled; the 'exit' listener will find nothing to delete
      continue;
    }
    if (child.pid === pid) return true;
  }
  return false;
}

/** The pids Node is still responsible for (for the /proc fallback's skip set). */
export function nodeOwnedPids(): Set<number> {
  const pids = new Set<number>();
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) pids.add(child.pid);
  }
  return pids;
}
