// ENVOY_STUB_CRASH_*: die after a delay with an exit code or a signal, optionally only on the
// first K starts.

import type { EventLog } from './event-log.js';
import type { CrashFault } from './settings.js';
import { dieBySignal, exitProcess } from '../lifecycle/process-exit.js';

export function armCrash(fault: CrashFault, startNumber: number | undefined, events: EventLog): void {
  if (fault.firstStarts !== undefined && (startNumber === undefined || startNumber > fault.firstStarts)) return;
  setTimeout(() => {
    if (fault.signal) dieBySignal(events, fault.signal, 'ENVOY_STUB_CRASH_AFTER_MS');
    else exitProcess(events, fault.exitCode, 'ENVOY_STUB_CRASH_AFTER_MS');
  }, fault.afterMs);
}
