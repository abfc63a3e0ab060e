import { A } from './annotations.js';
import { annotationOr, type PodContext } from './pod-context.js';
import { proxyArgs } from './proxy-args.js';
import { proxyEnv } from './proxy-env.js';
import { imageRef } from './values.js';
import { healthPort } from './traffic.js';
import { proxyVolumeMounts } from './volumes.js';

// The istio-proxy container: this agent as PID 1, supervising envoy.

export interface ProxyShape {
  /** holdApplicationUntilProxyStarts: a postStart `pilot-agent wait` (classic sidecars only). */
  readonly holdApplication: boolean;
  /** The agent is stopped only once the apps are gone (native sidecar, wrapped Job): drain briefly. */
  readonly shortDrain: boolean;
}

export function proxyContainer(ctx: PodContext, shape: ProxyShape): Record<string, unknown> {
  const { cfg, traffic } = ctx;
  const v = cfg.values;
  const resources = proxyResources(ctx);
  const tproxy = traffic.mode === 'TPROXY';
  const container: Record<string, unknown> = {
    name: 'istio-proxy',
    image: proxyImage(ctx),
    imagePullPolicy: v.imagePullPolicy || 'Always',
    args: proxyArgs(ctx, resources),
    env: proxyEnv(ctx, shape.shortDrain),
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    resources,
    // TPROXY needs NET_ADMIN and root for envoy; its GID 1337 still exempts it from capture.
    securityContext: {
      allowPrivilegeEscalation: v.privileged,
      capabilities: tproxy ? { add: ['NET_ADMIN'], drop: ['ALL'] } : { drop: ['ALL'] },
      privileged: v.privileged,
      readOnlyRootFilesystem: !v.enableCoreDump,
      runAsGroup: 1337,
      runAsNonRoot: !tproxy,
      runAsUser: tproxy ? 0 : 1337,
    },
    volumeMounts: proxyVolumeMounts(ctx),
  };
  if (traffic.statusPort !== 0) {
    const num = (key: string, fallback: number): number => Number(annotationOr(ctx, key, String(fallback)));
    container.readinessProbe = {
      failureThreshold: num(A.readinessFailureThreshold, v.readinessFailureThreshold),
      httpGet: { path: '/healthz/ready', port: healthPort },
      initialDelaySeconds: num(A.readinessInitialDelay, v.readinessInitialDelaySeconds),
      periodSeconds: num(A.readinessPeriod, v.readinessPeriodSeconds),
    };
  }
  const lifecycle = { ...(v.proxyLifecycle ?? {}) };
  // Apps start only once `pilot-agent wait` sees the proxy ready: kubelet runs postStart before the next container.
  if (shape.holdApplication) lifecycle.postStart = { exec: { command: ['pilot-agent', 'wait'] } };
  if (Object.keys(lifecycle).length > 0) container.lifecycle = lifecycle;
  return container;
}

function proxyImage(ctx: PodContext): string {
  const annotated = ctx.pod.annotations[A.proxyImage];
  if (annotated) return imageRef(annotated, ctx.cfg.values);
  return ctx.cfg.image ?? imageRef(ctx.cfg.values.proxyImage, ctx.cfg.values);
}

function proxyResources(ctx: PodContext): Record<string, unknown> {
  const cpu = ctx.pod.annotations[A.proxyCPU];
  const memory = ctx.pod.annotations[A.proxyMemory];
  if (cpu === undefined && memory === undefined) return ctx.cfg.values.proxyResources;
  const requests: Record<string, string> = {};
  if (cpu !== undefined) requests.cpu = cpu;
  if (memory !== undefined) requests.memory = memory;
  return { requests };
}
