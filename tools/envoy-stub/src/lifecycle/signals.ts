// Envoy's RunHelper signal handling: TERM and INT shut down (exit 0), USR1 reopens logs,
// HUP is logged and eaten. ENVOY_STUB_IGNORE_SIGTERM makes TERM a no-op.

import type { EventLog } from '../faults/event-log.js';
import type { EnvoyLog } from '../log/envoy-log.js';

export interface SignalTarget {
  shutdown(reason: string): void;
  reopenLogs(): void;
}

export function installSignalHandlers(log: EnvoyLog, events: EventLog, ignoreSigterm: boolean, target: () => SignalTarget | undefined): void {
  const stopOrExit = (reason: string) => {
    const t = target();
    if (t) t.shutdown(reason);
    else {
      // Before the server exists (loading config, waiting for the parent): exit 0 at once.
      events.write('exit', { code: 0, reason });
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => {
    events.write('signal', { signal: 'SIGTERM', ignored: ignoreSigterm });
    log.warn('main', 'source/server/server.cc:1001', 'caught ENVOY_SIGTERM');
    if (!ignoreSigterm) stopOrExit('SIGTERM');
  });
  process.on('SIGINT', () => {
    events.write('signal', { signal: 'SIGINT' });
    log.warn('main', 'source/server/server.cc:1007', 'caught SIGINT');
    stopOrExit('SIGINT');
  });
  process.on('SIGUSR1', () => {
    events.write('signal', { signal: 'SIGUSR1' });
    log.info('main', 'source/server/server.cc:1013', 'caught SIGUSR1. Reopening access logs.');
    const t = target();
    if (t) t.reopenLogs();
    else log.reopen();
  });
  process.on('SIGHUP', () => {
    events.write('signal', { signal: 'SIGHUP' });
    log.warn('main', 'source/server/server.cc:1019', 'caught and eating SIGHUP. See documentation for how to hot restart.');
  });
}
