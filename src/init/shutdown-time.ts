// The longest a graceful `pilot-agent proxy` shutdown can take, for whoever must leave room for it:
// kube-inject sizes the pod's terminationGracePeriodSeconds with it, and the agent warns at start when the
// pod's grace period (TERMINATION_GRACE_PERIOD_SECONDS) is shorter.

/** The final sweep's grace between SIGTERM and SIGKILL of leftover processes, and again its bound on reaping. */
export const finalSweepGraceMs = 2_000;

/** Kubernetes' terminationGracePeriodSeconds when a pod sets none. */
export const kubernetesDefaultGraceSeconds = 30;

/** Signal delivery, the status server closing and the process exit around the bounded steps. */
const slackMs = 1_000;

/**
 * Whatever envoy still runs parentShutdownDuration after the shutdown began is SIGKILLed; the final sweep then
 * takes at most twice its grace. With Istio's defaults (parentShutdownDuration 1m0s): 65 s.
 */
export function shutdownBoundMs(parentShutdownDurationMs: number): number {
  return parentShutdownDurationMs + 2 * finalSweepGraceMs + slackMs;
}

/** The smallest terminationGracePeriodSeconds under which that shutdown ends before kubelet's SIGKILL. */
export function graceSecondsCovering(parentShutdownDurationMs: number): number {
  return Math.ceil(shutdownBoundMs(parentShutdownDurationMs) / 1000);
}
