// All static listeners of this process: created at init (taking the parent's sockets when hot
// restarting), stopped by drains, closed at shutdown. Also the "stopped" memory: after
// /drain_listeners stops listeners they stay stopped.

import { formatAddress } from '../config/addresses.js';
import type { ListenerConfig } from '../config/listeners.js';
import { ServedListener, type ListenerDeps } from './served-listener.js';

/** Asks the hot-restart parent for the listen socket bound to an address; undefined: bind fresh. */
export type SocketSource = (address: string) => Promise<unknown>;

export class ListenerManager {
  readonly listeners: ServedListener[];

  constructor(configs: readonly ListenerConfig[], deps: ListenerDeps) {
    this.listeners = configs.map((c) => new ServedListener(c, deps));
  }

  /** Listener creation: each socket comes from the hot-restart parent when it has one. */
  async bindAll(fromParent?: SocketSource): Promise<void> {
    for (const l of this.listeners) {
      const handle = fromParent ? await fromParent(formatAddress(l.config.address)) : undefined;
      try {
        await l.bind(handle);
      } catch (e) {
        // Which listener failed: Envoy names it in an error line before the critical one.
        throw Object.assign(e as Error, { listener: l.config.name });
      }
    }
  }

  async startAccepting(): Promise<void> {
    for (const l of this.listeners) await l.startAccepting();
  }

  /** The listener currently bound to `address` ("127.0.0.1:8080"), to hand to a child. */
  byBoundAddress(address: string): ServedListener | undefined {
    return this.listeners.find((l) => l.listening && l.bound && formatAddress(l.bound) === address);
  }

  /** Envoy's stopListeners: stop accepting (all, or inbound-only); connections stay. */
  stopListeners(inboundOnly = false): void {
    for (const l of this.listeners) if (!inboundOnly || l.config.direction === 'INBOUND') l.stopListening();
  }

  closeAll(): void {
    for (const l of this.listeners) l.closeAll();
  }

  get activeConnections(): number {
    return this.listeners.reduce((n, l) => n + l.activeConnections, 0);
  }
}
