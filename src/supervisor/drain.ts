import type { Logger } from 'pino';
import type { AdminClient } from '../envoy/admin.js';
import { parseStats } from '../envoy/stats-text.js';
import { systemClock, type Clock } from './clock.js';

export interface DrainPlan {
  readonly admin: Pick<AdminClient, 'get'>;
  readonly drainMs: number;
  readonly exitOnZero: boolean;
  readonly minimumMs: number;
  /** Envoy listeners that serve the agent itself (health, prometheus): their connections do not count. */
  readonly ignoredPorts: readonly number[];
  readonly log: Logger;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

const pollMs = 1_000;
const maxErrors = 5;

/**
 * Resolve when the drain is over: after drainMs, or — with EXIT_ON_ZERO_ACTIVE_CONNECTIONS — after at
 * least minimumMs once envoy reports no active downstream connections (still never later than drainMs).
 */
export async function drainUntilDone(plan: DrainPlan): Promise<void> {
  const clock = plan.clock ?? systemClock;
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => clock.sleep(ms, signal);
  const deadline = clock.now() + plan.drainMs;
  if (!plan.exitOnZero) return sleep(plan.drainMs, plan.signal);
  await sleep(Math.min(plan.minimumMs, plan.drainMs), plan.signal);
  let errors = 0;
  while (clock.now() < deadline && !plan.signal?.aborted) {
    try {
      const res = await plan.admin.get('/stats?usedonly&filter=downstream_cx_active$', 2_000);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      errors = 0;
      const active = activeConnections(res.body, plan.ignoredPorts);
      plan.log.debug({ active }, 'drain: active downstream connections');
      if (active <= 0) {
        plan.log.info('drain: no active downstream connections left; ending the drain early');
        return;
      }
    } catch (e) {
      errors += 1;
      if (errors >= maxErrors) {
        plan.log.warn({ err: (e as Error).message }, 'drain: cannot read active connections; ending the drain');
        return;
      }
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - clock.now())), plan.signal);
  }
}

/** Sum listener.<addr>.downstream_cx_active, leaving out per-worker lines, admin and the agent's own ports. */
export function activeConnections(statsText: string, ignoredPorts: readonly number[]): number {
  let sum = 0;
  let seen = false;
  for (const [stat, value] of parseStats(statsText)) {
    const m = /^(listener\.\S+)\.downstream_cx_active$/.exec(stat);
    if (!m) continue;
    const name = m[1]!;
    if (name.includes('.worker_') || name.startsWith('listener.envoy_internal_') || name.startsWith('listener.admin')) continue;
    if (ignoredPorts.some((p) => name.endsWith(`_${p}`))) continue;
    seen = true;
    sum += value;
  }
  return seen ? sum : 0;
}
