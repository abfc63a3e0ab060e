import { A } from './annotations.js';
import { InputError } from './input-error.js';
import type { PodContext } from './pod-context.js';
import { healthPort } from './traffic.js';

// Native sidecars (Kubernetes ≥ 1.29): istio-proxy as an init container with `restartPolicy: Always`.
// Kubernetes starts it before the apps, holds them until its startupProbe passes (no postStart hook
// needed) and stops it only after the apps have exited — so a Job's pod completes. Laid out as current
// Istio renders it (its native-sidecar golden file): startupProbe on envoy's health port, and a preStop
// `pilot-agent request POST drain` that starts the drain when the pod's shutdown begins.

/** The pod's `sidecar.istio.io/nativeSidecar` ("true"/"false") wins over --nativeSidecar / ENABLE_NATIVE_SIDECARS. */
export function wantsNativeSidecar(ctx: Pick<PodContext, 'pod' | 'cfg'>): boolean {
  const v = ctx.pod.annotations[A.nativeSidecar];
  if (v === undefined) return ctx.cfg.nativeSidecar;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new InputError(`invalid value '${v}' for annotation '${A.nativeSidecar}': expected "true" or "false"`, [...ctx.pod.metaPath, 'annotations', A.nativeSidecar]);
}

/** The classic istio-proxy container turned into a native sidecar. */
export function asNativeSidecar(classic: Record<string, unknown>, ctx: PodContext): Record<string, unknown> {
  const container: Record<string, unknown> = { ...classic, restartPolicy: 'Always' };
  if (ctx.traffic.statusPort !== 0) {
    // Istio's values: probe every second for up to 10 minutes; the apps start the moment it passes.
    container.startupProbe = { failureThreshold: 600, httpGet: { path: '/healthz/ready', port: healthPort }, periodSeconds: 1, timeoutSeconds: 3 };
  }
  // An explicit global.proxy.lifecycle (values) replaces Istio's hooks, as in its template.
  if (!ctx.cfg.values.proxyLifecycle && ctx.traffic.statusPort !== 0) {
    const port = ctx.traffic.statusPort;
    // `request` only talks to the proxy's own ports: another status port must be named to it (Istio's template does not).
    const drain = ['pilot-agent', 'request', `--debug-port=${port}`, ...(port === 15020 ? [] : [`--statusPort=${port}`]), 'POST', 'drain'];
    container.lifecycle = { preStop: { exec: { command: drain } } };
  }
  return container;
}

/**
 * The agent cannot see the app containers. As a native sidecar (or behind a Job wrapped with
 * `wait --stopProxyOnExit`) it is asked to stop only once they have exited: nothing is left to drain,
 * and the full drainDuration would only hold the pod. So the drain ends as soon as envoy has no
 * downstream connections, after a short minimum. A user's proxyMetadata of the same name wins.
 */
export function shortDrainEnv(ctx: PodContext): { name: string; value: string }[] {
  const knobs = { EXIT_ON_ZERO_ACTIVE_CONNECTIONS: 'true', MINIMUM_DRAIN_DURATION: '1s' };
  return Object.entries(knobs)
    .filter(([name]) => !(name in ctx.cfg.mesh.proxyMetadata))
    .map(([name, value]) => ({ name, value }));
}
