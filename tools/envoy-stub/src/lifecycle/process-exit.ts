// The ways a stub process ends, each recorded in the event log first.

import type { EventLog } from '../faults/event-log.js';
import type { EnvoyLog } from '../log/envoy-log.js';

export function exitProcess(events: EventLog, code: number, reason: string): never {
  events.write('exit', { code, reason });
  process.exit(code);
}

/** Dies by `signal` (default disposition restored first), as a crash or RELEASE_ASSERT would. */
export function dieBySignal(events: EventLog, signal: NodeJS.Signals, reason: string): void {
  events.write('exit', { signal, reason });
  process.removeAllListeners(signal);
  // abort(3) always ends the process, even when some library keeps a JS SIGABRT listener.
  if (signal === 'SIGABRT') process.abort();
  process.kill(process.pid, signal);
  // Some signals are not fatal by default (or could be blocked); never carry on regardless.
  setTimeout(() => process.exit(128 + 6), 1000).unref();
}

/** Envoy's PANIC / RELEASE_ASSERT: a critical line, a backtrace header, then SIGABRT. */
export function abortProcess(log: EnvoyLog, events: EventLog, message: string): void {
  log.critical('assert', 'source/common/common/assert.cc:56', `assert failure: ${message}`);
  log.critical('backtrace', 'source/server/backtrace.h:104', 'Caught Aborted, suspect faulting address 0x0');
  dieBySignal(events, 'SIGABRT', message);
}
