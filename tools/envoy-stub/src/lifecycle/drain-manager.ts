// Envoy's DrainManager: once a drain sequence starts, drainClose() tells the HTTP connection
// manager whether to close a connection after the current response ("Connection: close").
// gradual: true with a probability rising linearly over --drain-time-s; immediate: always.
// A failed health check drain-closes every DEFAULT listener. An inbound-only sequence (/drain_listeners?inboundonly)
// reaches only listeners whose traffic_direction is INBOUND, as Envoy's DrainDirection does.

import type { DrainStrategy } from '../cli/options.js';

export class DrainManager {
  /** When the inbound-only sequence and the all-listeners sequence began (each at most once). */
  private inboundStartedAt: number | undefined;
  private allStartedAt: number | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  private readonly strategy: DrainStrategy;
  private readonly drainTimeMs: number;
  private readonly healthCheckFailed: () => boolean;
  private readonly random: () => number;

  constructor(
    strategy: DrainStrategy,
    drainTimeMs: number,
    healthCheckFailed: () => boolean,
    random: () => number = Math.random,
  ) {
    this.strategy = strategy;
    this.drainTimeMs = drainTimeMs;
    this.healthCheckFailed = healthCheckFailed;
    this.random = random;
  }

  get draining(): boolean {
    return this.inboundStartedAt !== undefined || this.allStartedAt !== undefined;
  }

  /**
   * Starts a sequence; `onComplete` runs after the drain time. A call that drains nothing new is ignored; an
   * all-listeners drain during an inbound-only one starts its own sequence (and timer), as Envoy 1.40's does.
   */
  startDrainSequence(onComplete: () => void, inboundOnly = false): boolean {
    if (this.allStartedAt !== undefined || (inboundOnly && this.inboundStartedAt !== undefined)) return false;
    if (inboundOnly) this.inboundStartedAt = Date.now();
    else this.allStartedAt = Date.now();
    const timer = setTimeout(onComplete, this.drainTimeMs);
    timer.unref();
    this.timers.push(timer);
    return true;
  }

  drainClose(drainType: 'DEFAULT' | 'MODIFY_ONLY' = 'DEFAULT', direction: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND' = 'UNSPECIFIED'): boolean {
    if (this.healthCheckFailed() && drainType === 'DEFAULT') return true;
    const starts = [this.allStartedAt, direction === 'INBOUND' ? this.inboundStartedAt : undefined].filter((x) => x !== undefined);
    if (starts.length === 0) return false;
    if (this.strategy === 'immediate' || this.drainTimeMs === 0) return true;
    const elapsed = Date.now() - Math.min(...starts);
    if (elapsed >= this.drainTimeMs) return true;
    return elapsed / this.drainTimeMs > this.random();
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}
