import type { InjectConfig } from './inject-config.js';
import type { PodView } from './pod-view.js';
import type { TrafficSettings } from './traffic.js';

/** The workload object that owns the pod template (Istio's DeploymentMeta and TypeMeta). */
export interface Owner {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

/** All a container builder needs for one pod. */
export interface PodContext {
  readonly pod: PodView;
  readonly owner: Owner;
  readonly cfg: InjectConfig;
  readonly traffic: TrafficSettings;
  /** The pod's terminationGracePeriodSeconds once injected. */
  readonly terminationGraceSeconds: number;
}

/** The annotation when present (even empty), else the fallback: the template's `annotation` helper. */
export function annotationOr(ctx: PodContext, key: string, fallback: string): string {
  return key in ctx.pod.annotations ? ctx.pod.annotations[key]! : fallback;
}
