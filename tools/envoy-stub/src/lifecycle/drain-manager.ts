// Envoy's DrainManager: once a drain sequence starts, drainClose() tells the HTTP connection
// manager whether to close a connection after the current response ("Connection: close").
// gradual: true with a probability rising linearly over --drain-time-s; immediate: always.
// A failed health check drain-closes every DEFAULT listener. An inbound-only sequence (/drain_listeners?inboundonly)
// reaches only listeners whose traffic_direction is INBOUND, as Envoy's DrainDirection does.

import type { DrainStrategy } from '../cli/options.js';

export class DrainManager {
  private startedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inboundOnly = false;

  constructor(
    private readonly strategy: DrainStrategy,
    private readonly drainTimeMs: number,
    private readonly healthCheckFailed: () => boolean,
    private readonly random: () => number = Math.random,
  ) {}

  get draining(): boolean {
    return this.startedAt !== undefined;
  }

  /** Starts the sequence; `onComplete` runs after the drain time. A second call is ignored. */
  startDrainSequence(onComplete: () => void, inboundOnly = false): boolean {
    if (this.startedAt !== undefined) return false;
    this.startedAt = Date.now();
    this.inboundOnly = inboundOnly;
    this.timer = setTimeout(onComplete, this.drainTimeMs);
    this.timer.unref();
    return true;
  }

  drainClose(drainType: 'DEFAULT' | 'MODIFY_ONLY' = 'DEFAULT', direction: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND' = 'UNSPECIFIED'): boolean {
    if (this.healthCheckFailed() && drainType === 'DEFAULT') return true;
    if (this.startedAt === undefined) return false;
    if (this.inboundOnly && direction !== 'INBOUND') return false;
    if (this.strategy === 'immediate' || this.drainTimeMs === 0) return true;
    const elapsed = Date.now() - this.startedAt;
    if (elapsed >= this.drainTimeMs) return true;
    return elapsed / this.drainTimeMs > this.random();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
