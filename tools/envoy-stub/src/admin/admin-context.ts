// What admin handlers may read and do; the server implements it.

import type { StubOptions } from '../cli/options.js';
import type { BootstrapModel } from '../config/bootstrap-model.js';
import type { Lifecycle } from '../lifecycle/server-state.js';
import type { ListenerManager } from '../listeners/listener-manager.js';
import type { EnvoyLog } from '../log/envoy-log.js';
import type { StatsStore } from '../stats/store.js';

export interface DrainRequest {
  readonly graceful: boolean;
  readonly inboundOnly: boolean;
  readonly skipExit: boolean;
}

export interface AdminContext {
  readonly options: StubOptions;
  readonly model: BootstrapModel;
  readonly lifecycle: Lifecycle;
  readonly stats: StatsStore;
  readonly log: EnvoyLog;
  readonly listeners: ListenerManager;
  readonly hotRestartVersion: string;
  readonly baseId: number;
  readonly startTimeMs: number;
  originalStartTimeMs(): number;
  drainListeners(request: DrainRequest): void;
  shutdown(reason: string): void;
  reopenLogs(): void;
}

export interface AdminResponse {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
  /** Runs after the response is sent (e.g. /quitquitquit exits only then). */
  readonly after?: () => void;
}

export const TEXT = 'text/plain; charset=UTF-8';
export const JSON_TYPE = 'application/json';
export const HTML = 'text/html; charset=UTF-8';

export const ok = (after?: () => void): AdminResponse => ({ status: 200, body: 'OK\n', ...(after ? { after } : {}) });
