// How a running server answers its hot-restart child (Envoy's HotRestartingParent::Internal).

import type { StubServer } from './stub-server.js';

export function serveParentRole(server: StubServer): void {
  const { log, events, listeners } = server;
  server.restarter.parentRole?.serve({
    shutdownAdmin() {
      // Both at warning, the second whether or not this process has a parent of its own (Envoy 1.40).
      log.warn('main', 'source/server/server.cc:1174', 'shutting down admin due to child startup');
      server.stopStatsFlush();
      server.admin.close();
      log.warn('main', 'source/server/server.cc:1182', 'terminating parent process');
      const ownParent = server.restarter.child;
      if (ownParent?.parentAlive) ownParent.terminateParent();
    },
    originalStartTimeMs: () => server.originalStartTimeMs(),
    hotRestartGeneration: () => server.hotRestartGeneration(),
    listenHandle: (address) => listeners.byBoundAddress(address)?.listenHandle,
    releaseListener: (address) => listeners.byBoundAddress(address)?.stopListening(),
    drainListeners() {
      log.info('main', 'source/server/server.cc:159', 'closing and draining listeners');
      listeners.stopListeners();
      // The parent does not exit when this drain ends; its child terminates it later.
      server.drain.startDrainSequence(() => events.write('drain', { complete: true, parent: true }));
    },
    terminate() {
      log.info('main', 'source/server/hot_restarting_parent.cc:135', 'shutting down due to child request');
      process.kill(process.pid, 'SIGTERM');
    },
    connections: () => listeners.activeConnections,
    onMessage: (type) => events.write('hot_restart', { received: type }),
  });
}
