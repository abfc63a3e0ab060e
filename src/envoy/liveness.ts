import { setTimeout as sleep } from 'node:timers/promises';
import type { AdminClient } from './admin.js';

// Quick at first (a healthy envoy is LIVE within moments and readiness waits on this), then relaxed.
const fastPollMs = 20;
const fastPolls = 100;
const pollMs = 200;

/**
 * Poll envoy's /server_info until this epoch reports LIVE. During a hot restart the parent still owns
 * the admin port for a while, so the answer only counts when its restart_epoch is ours.
 * Resolves false when aborted (the epoch exited first).
 */
export async function waitUntilLive(admin: Pick<AdminClient, 'get'> & Partial<Pick<AdminClient, 'settle'>>, epoch: number, signal: AbortSignal): Promise<boolean> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      const res = await admin.get('/server_info', 1_000);
      if (res.status === 200) {
        const info = JSON.parse(res.body) as { state?: string; command_line_options?: { restart_epoch?: number } };
        if (info.state === 'LIVE' && Number(info.command_line_options?.restart_epoch) === epoch) {
          admin.settle?.(); // this answer came from our own process: its connections may be kept from now on
          return !signal.aborted;
        }
      }
    } catch {
      // Not listening yet, or the admin port is being handed over: try again.
    }
    // timers/promises removes its abort listener when the pause ends; a hand-written one that did not
    // leaked one listener per poll (a MaxListenersExceededWarning per epoch, unbounded if never LIVE).
    await sleep(attempt < fastPolls ? fastPollMs : pollMs, undefined, { signal }).catch(() => undefined);
  }
  return false;
}
