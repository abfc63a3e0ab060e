// Framing on top of a RawChannel: JSON lines, each request numbered so replies find their caller.

import { EventEmitter } from 'node:events';
import type { RawChannel } from './handle-passing.js';
import type { Envelope } from './messages.js';

export class MessageChannel<Out, In> extends EventEmitter<{
  message: [body: In, id: number, handle: unknown];
  close: [];
}> {
  private nextId = 1;
  private buffer = '';
  private readonly waiting = new Map<number, { resolve: (body: In, handle: unknown) => void; reject: (e: Error) => void }>();
  private closed = false;

  private readonly raw: RawChannel;

  constructor(raw: RawChannel) {
    super();
    this.raw = raw;
    raw.socket.setEncoding('utf8');
    raw.socket.on('data', (chunk: string) => this.onData(chunk));
    raw.socket.on('error', () => raw.socket.destroy());
    raw.socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.values()) w.reject(new Error('hot restart channel closed'));
      this.waiting.clear();
      this.emit('close');
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const env = JSON.parse(line) as Envelope<In> & { replyTo?: number; handle?: boolean };
      const handle = env.handle ? this.raw.takeHandle() : undefined;
      const waiter = env.replyTo !== undefined ? this.waiting.get(env.replyTo) : undefined;
      if (waiter) {
        this.waiting.delete(env.replyTo!);
        waiter.resolve(env.body, handle);
      } else {
        this.emit('message', env.body, env.id, handle);
      }
    }
  }

  send(body: Out | In, options: { replyTo?: number; handle?: unknown } = {}): number {
    const id = this.nextId++;
    const env = { id, body, ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}), handle: options.handle !== undefined };
    if (!this.closed) this.raw.write(`${JSON.stringify(env)}\n`, options.handle);
    return id;
  }

  /** Sends and waits for the reply; rejects if the peer goes away first. */
  request(body: Out): Promise<{ body: In; handle: unknown }> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('hot restart channel closed'));
      const id = this.send(body);
      this.waiting.set(id, { resolve: (reply, handle) => resolve({ body: reply, handle }), reject });
    });
  }

  /** Ends the conversation; `done` runs once queued writes are flushed. */
  end(done?: () => void): void {
    if (this.closed) return done?.();
    this.raw.socket.end(done);
  }
}
