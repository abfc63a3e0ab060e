// The parent side of hot restart: every hot-restart-enabled process listens on its
// "_parent_<id>" socket for the next epoch and serves its requests.

import net from 'node:net';
import { chmodSync, unlinkSync } from 'node:fs';
import { adoptAccepted, handlePassingAvailable } from './handle-passing.js';
import { MessageChannel } from './message-channel.js';
import type { ChildRequest, ParentReply } from './messages.js';
import { isAbstract, netPath } from './names.js';

/** What the parent side needs from the running server. */
export interface ParentHooks {
  shutdownAdmin(): void;
  originalStartTimeMs(): number;
  hotRestartGeneration(): number;
  /** The listening handle bound to `address`, or undefined. */
  listenHandle(address: string): unknown;
  /** Close the listener on `address` (used when handles cannot be passed). */
  releaseListener(address: string): void;
  drainListeners(): void;
  terminate(): void;
  connections(): number;
  onMessage(type: string): void;
}

export class ParentRole {
  private server: net.Server | undefined;
  private hooks: ParentHooks | undefined;

  private readonly name: string;
  private readonly mode: number;

  constructor(name: string, mode: number) {
    this.name = name;
    this.mode = mode;
  }

  /** Binds the socket; resolves false when it is taken (EADDRINUSE), as Envoy's bind fails. */
  async bind(): Promise<boolean> {
    if (!isAbstract(this.name) && (await isLive(this.name))) return false;
    if (!isAbstract(this.name)) removeStale(this.name);
    const server = net.createServer({ pauseOnConnect: true }, (s) => this.accept(s));
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(netPath(this.name), () => resolve(true));
    });
    if (!ok) return false;
    if (!isAbstract(this.name) && this.mode !== 0) chmodSync(this.name, this.mode);
    server.unref();
    this.server = server;
    return true;
  }

  /** Starts answering children; until then connections wait in the accept queue. */
  serve(hooks: ParentHooks): void {
    this.hooks = hooks;
  }

  private accept(accepted: net.Socket): void {
    const channel = new MessageChannel<ParentReply, ChildRequest>(adoptAccepted(accepted));
    channel.on('message', (msg, id) => this.onRequest(channel, msg, id));
  }

  private onRequest(channel: MessageChannel<ParentReply, ChildRequest>, msg: ChildRequest, id: number): void {
    const hooks = this.hooks;
    if (!hooks) return;
    hooks.onMessage(msg.type);
    switch (msg.type) {
      case 'ShutdownAdmin':
        hooks.shutdownAdmin();
        channel.send(
          { type: 'ShutdownAdmin', originalStartTimeMs: hooks.originalStartTimeMs(), hotRestartGeneration: hooks.hotRestartGeneration() },
          { replyTo: id },
        );
        break;
      case 'PassListenSocket': {
        const handle = handlePassingAvailable ? hooks.listenHandle(msg.address) : undefined;
        if (handle === undefined) hooks.releaseListener(msg.address);
        channel.send({ type: 'PassListenSocket', passed: handle !== undefined }, { replyTo: id, ...(handle !== undefined ? { handle } : {}) });
        break;
      }
      case 'Stats':
        channel.send({ type: 'Stats', connections: hooks.connections() }, { replyTo: id });
        break;
      case 'DrainListeners':
        hooks.drainListeners();
        break;
      case 'Terminate':
        hooks.terminate();
        break;
    }
  }

  close(): void {
    this.server?.close();
    if (this.server && !isAbstract(this.name)) removeStale(this.name);
  }
}

function removeStale(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // not there
  }
}

/** A filesystem socket file may be left by a dead process; only a live listener means "in use". */
function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
