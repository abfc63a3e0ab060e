// The server's state as /ready, /server_info and server.state report it. Like Envoy it is
// derived, not stored: the init manager's phase plus the health-check-failed flag.

import { EventEmitter } from 'node:events';

export type InitPhase = 'Uninitialized' | 'Initializing' | 'Initialized';
export type ServerState = 'LIVE' | 'DRAINING' | 'PRE_INITIALIZING' | 'INITIALIZING';

/** envoy.admin.v3.ServerInfo.State numbers, which the server.state gauge carries. */
export const STATE_NUMBER: Readonly<Record<ServerState, number>> = {
  LIVE: 0,
  DRAINING: 1,
  PRE_INITIALIZING: 2,
  INITIALIZING: 3,
};

export class Lifecycle extends EventEmitter<{ state: [from: ServerState, to: ServerState] }> {
  private phase: InitPhase = 'Uninitialized';
  private healthCheckFailed = false;

  get initPhase(): InitPhase {
    return this.phase;
  }

  get isHealthCheckFailed(): boolean {
    return this.healthCheckFailed;
  }

  state(): ServerState {
    if (this.phase === 'Uninitialized') return 'PRE_INITIALIZING';
    if (this.phase === 'Initializing') return 'INITIALIZING';
    return this.healthCheckFailed ? 'DRAINING' : 'LIVE';
  }

  advance(to: InitPhase): void {
    this.change(() => {
      this.phase = to;
    });
  }

  failHealthCheck(failed: boolean): void {
    this.change(() => {
      this.healthCheckFailed = failed;
    });
  }

  private change(mutate: () => void): void {
    const before = this.state();
    mutate();
    const after = this.state();
    if (before !== after) this.emit('state', before, after);
  }
}
