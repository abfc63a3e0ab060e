// The selective reaper. As PID 1 (or as a child subreaper) orphans are re-parented to us and must
// be reaped, but libuv reaps its own children with waitpid(<pid>) and never learns about a status
// somebody else consumed (the ChildProcess then never emits 'exit'; execa waits forever). So we
// only ever peek at "any exited child" (waitid WNOWAIT) and reap by pid what Node does not own.
import type { Logger } from 'pino';
import { nodeOwnedPids, ownedByNode, trackChildren } from './child-tracker.js';
import { describeWaitStatus, isChildSubreaper, peekExitedChild, reapPid, setChildSubreaper } from './native.js';
import { zombieChildren } from './proc-stat.js';

export interface ReaperStats {
  /** Orphans reaped (the zombies Node does not own). */
  zombiesReaped: number;
  passes: number;
  /** /proc fallback scans: a Node-owned zombie was first in line. */
  procScans: number;
  /** Times a Node-owned zombie was seen and left alone for libuv. */
  ownedZombiesLeft: number;
}

export interface ReaperOptions {
  readonly log?: Pick<Logger, 'debug' | 'info' | 'warn'>;
  /** Safety-net pass interval: SIGCHLDs coalesce and a missed one must not leave zombies (ms). */
  readonly safetyIntervalMs?: number;
}

export class Reaper {
  readonly stats: ReaperStats = { zombiesReaped: 0, passes: 0, procScans: 0, ownedZombiesLeft: 0 };
  readonly mode: 'pid1' | 'subreaper';
  readonly #log: ReaperOptions['log'];
  readonly #timer: NodeJS.Timeout;
  #scheduled: NodeJS.Immediate | undefined;
  #stopped = false;

  constructor(options: ReaperOptions = {}) {
    trackChildren();
    this.#log = options.log;
    if (process.pid === 1) this.mode = 'pid1';
    else {
      // Same code path everywhere: outside a container, orphans of our tree come to us, not to init.
      if (!isChildSubreaper()) setChildSubreaper();
      this.mode = 'subreaper';
    }
    process.on('SIGCHLD', this.#onSigchld);
    this.#timer = setInterval(() => this.pass(), options.safetyIntervalMs ?? 5_000).unref();
    this.pass(); // orphans that arrived before we listened
  }

  get reapedCount(): number {
    return this.stats.zombiesReaped;
  }

  // SIGCHLD arrives in bursts and coalesces; one pass after the current callbacks covers a burst.
  readonly #onSigchld = (): void => {
    this.#scheduled ??= setImmediate(() => {
      this.#scheduled = undefined;
      this.pass();
    });
  };

  /** Reap every exited orphan now; returns how many. Loops until nothing reapable is left. */
  pass(): number {
    return this.#stopped ? 0 : this.reapNow();
  }

  /** A pass even after stop(): the final sweep still has to reap. */
  reapNow(): number {
    this.stats.passes++;
    let reaped = 0;
    for (;;) {
      const child = peekExitedChild();
      if (child === 0 || child === -1) break;
      if (ownedByNode(child.pid)) {
        // libuv will reap it on its own SIGCHLD; others may queue behind it, find them in /proc.
        this.stats.ownedZombiesLeft++;
        reaped += this.#scanProc();
        break;
      }
      const status = reapPid(child.pid);
      if (status === undefined) break; // raced with nobody (we are the only reaper), be safe
      reaped++;
      this.#reaped(child.pid, status);
    }
    return reaped;
  }

  #scanProc(): number {
    this.stats.procScans++;
    const owned = nodeOwnedPids();
    let reaped = 0;
    for (const pid of zombieChildren(process.pid)) {
      if (owned.has(pid)) continue;
      const status = reapPid(pid);
      if (status === undefined) continue;
      reaped++;
      this.#reaped(pid, status);
    }
    return reaped;
  }

  #reaped(pid: number, status: number): void {
    this.stats.zombiesReaped++;
    this.#log?.debug({ orphanPid: pid, ...describeWaitStatus(status) }, 'reaped orphan');
  }

  /** Stop listening; the subreaper flag stays (it cannot be handed back safely while orphans exist). */
  stop(): void {
    this.#stopped = true;
    process.off('SIGCHLD', this.#onSigchld);
    clearInterval(this.#timer);
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
  }

  get stopped(): boolean {
    return this.#stopped;
  }
}
