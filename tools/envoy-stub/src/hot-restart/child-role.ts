// The child side of hot restart: epoch N talks to N-1's "_parent_" socket. Connection refused
// is retried like Envoy's sendmsg() (ten times, a second apart), then the process aborts.

import { connectChannel } from './handle-passing.js';
import { MessageChannel } from './message-channel.js';
import type { ChildRequest, ParentReply } from './messages.js';
import { netPath } from './names.js';

export type ConnectOutcome =
  | { kind: 'connected'; role: ChildRole }
  | { kind: 'refused' }
  | { kind: 'failed'; errno: number };

const ERRNO: Record<string, number> = { ECONNREFUSED: 111, ENOENT: 2, EACCES: 13 };

export interface RetryPolicy {
  readonly retries: number;
  readonly intervalMs: number;
  readonly onRetry: () => void;
}

export class ChildRole {
  private readonly channel: MessageChannel<ChildRequest, ParentReply>;

  private constructor(channel: MessageChannel<ChildRequest, ParentReply>) {
    this.channel = channel;
  }

  /** One attempt when `retry` is undefined (--skip-hot-restart-on-no-parent's test connection). */
  static async connect(name: string, retry?: RetryPolicy): Promise<ConnectOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        const raw = await connectChannel(netPath(name));
        return { kind: 'connected', role: new ChildRole(new MessageChannel(raw)) };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (code !== 'ECONNREFUSED') return { kind: 'failed', errno: ERRNO[code] ?? 0 };
        if (!retry) return { kind: 'refused' };
        if (attempt >= retry.retries) return { kind: 'failed', errno: 111 };
        retry.onRetry();
        await new Promise((r) => setTimeout(r, retry.intervalMs));
      }
    }
  }

  get parentAlive(): boolean {
    return this.channel.isOpen;
  }

  onParentGone(cb: () => void): void {
    this.channel.once('close', cb);
  }

  async shutdownParentAdmin(): Promise<{ originalStartTimeMs: number; hotRestartGeneration: number } | undefined> {
    try {
      const { body } = await this.channel.request({ type: 'ShutdownAdmin' });
      return body.type === 'ShutdownAdmin' ? body : undefined;
    } catch {
      return undefined;
    }
  }

  /** The parent's listen handle for `address`; undefined when the child must bind itself. */
  async duplicateParentListenSocket(address: string): Promise<unknown> {
    try {
      const { handle } = await this.channel.request({ type: 'PassListenSocket', address });
      return handle;
    } catch {
      return undefined;
    }
  }

  async parentConnections(): Promise<number | undefined> {
    try {
      const { body } = await this.channel.request({ type: 'Stats' });
      return body.type === 'Stats' ? body.connections : undefined;
    } catch {
      return undefined;
    }
  }

  drainParentListeners(): void {
    this.channel.send({ type: 'DrainListeners' });
  }

  /** Tells the parent to exit; `done` runs once the message is on the wire. */
  terminateParent(done?: () => void): void {
    if (!this.channel.isOpen) return done?.();
    this.channel.send({ type: 'Terminate' });
    this.channel.end(done);
  }
}
