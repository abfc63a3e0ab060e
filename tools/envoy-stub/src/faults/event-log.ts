// ENVOY_STUB_EVENT_LOG: one JSON object per line for everything a test may want to assert
// (start, admin requests, signals, state changes, hot-restart messages, exit). Each line is
// appended with a synchronous write, so a process that dies right after still leaves it behind.

import { appendFileSync } from 'node:fs';

export type EventFields = Record<string, unknown>;

export class EventLog {
  private epoch = 0;

  private readonly path: string | undefined;

  constructor(path: string | undefined) {
    this.path = path;
  }

  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  write(event: string, fields: EventFields = {}): void {
    if (!this.path) return;
    const line = JSON.stringify({ ts: new Date().toISOString(), pid: process.pid, epoch: this.epoch, event, ...fields });
    try {
      appendFileSync(this.path, `${line}\n`);
    } catch {
      // The event log is a test aid; failing to write it must not change behaviour.
    }
  }
}
