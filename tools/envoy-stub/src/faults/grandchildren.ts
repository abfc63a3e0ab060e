// ENVOY_STUB_GRANDCHILDREN: start short-lived processes that leave us at once. Each is a
// `sleep` behind a shell that exits immediately (a double fork), so the sleep is re-parented to
// whoever reaps orphans (PID 1 or the nearest subreaper) and becomes its zombie when it ends.

import { spawn } from 'node:child_process';
import type { EventLog } from './event-log.js';

export function spawnGrandchildren(count: number, lifetimeMs: number, events: EventLog): void {
  const seconds = (lifetimeMs / 1000).toFixed(3);
  for (let i = 0; i < count; i++) {
    const sh = spawn('sh', ['-c', `sleep ${seconds} </dev/null >/dev/null 2>&1 & echo $!`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    sh.stdout.on('data', (d: Buffer) => (out += d.toString()));
    sh.on('close', () => {
      const pid = Number(out.trim());
      events.write('grandchild', { pid, intermediatePid: sh.pid });
    });
  }
}

/**
 * ENVOY_STUB_DETACHED_GRANDCHILD: one descendant that escapes envoy's process group (setsid, which
 * `detached` does) and ignores SIGTERM (SIG_IGN survives exec), so only a SIGKILL aimed at its pid
 * ends it. It stays our child until we die; then it is re-parented to the reaper.
 */
export function spawnDetachedGrandchild(events: EventLog): void {
  const child = spawn('sh', ['-c', 'trap "" TERM; exec sleep 3600'], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
  events.write('detached_grandchild', { pid: child.pid });
}
