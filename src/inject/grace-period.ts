import { formatGoDuration } from '../flags/duration.js';
import { graceSecondsCovering, kubernetesDefaultGraceSeconds } from '../init/shutdown-time.js';
import type { InjectConfig } from './inject-config.js';
import type { Owner } from './pod-context.js';
import type { PodView } from './pod-view.js';

// Kubelet SIGKILLs a pod's containers terminationGracePeriodSeconds after SIGTERM (30 s unless the pod says
// otherwise), while the sidecar drains for drainDuration (45 s) and may take until parentShutdownDuration (1m0s)
// to stop envoy: without room, every rollout cuts the drain. Istio 1.5 left this to the user.

export interface GracePeriod {
  /** The pod's grace period once injected, also told to the agent (TERMINATION_GRACE_PERIOD_SECONDS). */
  readonly seconds: number;
  /** True when the pod spec must be given `seconds` (it had none, or a shorter one). */
  readonly write: boolean;
}

/** Room for the sidecar's whole shutdown, unless the workload already gives at least as much. */
export function gracePeriod(pod: PodView, owner: Owner, cfg: InjectConfig, warn: (line: string) => void): GracePeriod {
  const parentMs = cfg.mesh.parentShutdownDurationMs;
  const needed = graceSecondsCovering(parentMs);
  const own = pod.terminationGracePeriodSeconds;
  const current = own ?? kubernetesDefaultGraceSeconds;
  if (current >= needed) return { seconds: current, write: false };
  if (own !== undefined) {
    const name = pod.name || owner.name;
    warn(`Raising terminationGracePeriodSeconds of "${name}" from ${own} to ${needed}: the sidecar's shutdown can take that long (parentShutdownDuration ${formatGoDuration(parentMs)} and its final clean-up)`);
  }
  return { seconds: needed, write: true };
}
