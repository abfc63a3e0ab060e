import { formatGoDuration } from '../flags/duration.js';
import { graceSecondsCovering, shutdownBoundMs } from '../init/shutdown-time.js';
import { envCount, type Env } from './env-values.js';
import type { ProxyConfig } from './proxy-config.js';

// Kubelet SIGKILLs the pod terminationGracePeriodSeconds after SIGTERM. The agent cannot read its pod's spec,
// so kube-inject tells it (TERMINATION_GRACE_PERIOD_SECONDS); when told, a shutdown that cannot fit is said
// at start, not discovered as a cut drain during a rollout.

/** TERMINATION_GRACE_PERIOD_SECONDS; undefined when unset (nothing to check). */
export function readTerminationGrace(env: Env = process.env): number | undefined {
  const raw = env.TERMINATION_GRACE_PERIOD_SECONDS;
  if (raw === undefined || raw === '') return undefined;
  return envCount(env, 'TERMINATION_GRACE_PERIOD_SECONDS', 0, 0, 1_000_000_000);
}

export interface ShutdownMisfit {
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

type Durations = Pick<ProxyConfig, 'drainDurationMs' | 'parentShutdownDurationMs'>;

/** Why this agent's shutdown does not fit in the pod's grace period, or undefined when it does (or is unknown). */
export function shutdownMisfit(config: Durations, graceSeconds: number | undefined): ShutdownMisfit | undefined {
  if (graceSeconds === undefined) return undefined;
  const graceMs = graceSeconds * 1000;
  const needed = graceSecondsCovering(config.parentShutdownDurationMs);
  const fields = {
    terminationGracePeriodSeconds: graceSeconds,
    drainDuration: formatGoDuration(config.drainDurationMs),
    parentShutdownDuration: formatGoDuration(config.parentShutdownDurationMs),
    neededGracePeriodSeconds: needed,
  };
  const kubelet = `kubelet kills the pod ${graceSeconds}s after SIGTERM (TERMINATION_GRACE_PERIOD_SECONDS)`;
  if (graceMs < config.drainDurationMs) {
    return { fields, message: `the shutdown drain cannot finish: ${kubelet} but --drainDuration is ${fields.drainDuration}; give the pod terminationGracePeriodSeconds: ${needed} or shorten the drain` };
  }
  if (graceMs < shutdownBoundMs(config.parentShutdownDurationMs)) {
    return { fields, message: `the shutdown may not finish: ${kubelet} but an envoy that outlives the drain is killed only --parentShutdownDuration (${fields.parentShutdownDuration}) after SIGTERM; give the pod terminationGracePeriodSeconds: ${needed}` };
  }
  return undefined;
}
