import { parseGoBool } from '../flags/go-bool.js';
import { A } from './annotations.js';
import { goJson, sortedKeys } from './go-json.js';
import type { PodContext } from './pod-context.js';
import type { ProbeKind } from './pod-view.js';

// Kubelet's HTTP probes cannot pass through the sidecar under mTLS, so they are pointed at the agent's
// status port (/app-health/<container>/<livez|readyz|startupz>), which replays the original request;
// ISTIO_KUBE_APP_PROBERS tells it what the original request was.

const suffix: Record<ProbeKind, string> = { livenessProbe: 'livez', readinessProbe: 'readyz', startupProbe: 'startupz' };

export interface ProbeRewrite {
  readonly containerIndex: number;
  readonly kind: ProbeKind;
  readonly path: string;
  readonly port: number;
  /** The status port speaks plain HTTP; the agent keeps HTTPS for its own request to the app. */
  readonly downgradeScheme: boolean;
}

export interface AppProbePlan {
  /** The value of ISTIO_KUBE_APP_PROBERS. */
  readonly probers: string;
  readonly rewrites: readonly ProbeRewrite[];
}

export function rewriteEnabled(ctx: PodContext): boolean {
  const annotated = ctx.pod.annotations[A.rewriteAppHTTPProbers];
  const flag = annotated === undefined ? undefined : parseGoBool(annotated);
  return flag ?? ctx.cfg.values.rewriteAppHTTPProbe;
}

export function planAppProbes(ctx: PodContext): AppProbePlan | undefined {
  const statusPort = ctx.traffic.statusPort;
  if (!rewriteEnabled(ctx) || statusPort === 0) return undefined;
  const probers: Record<string, unknown> = {};
  const rewrites: ProbeRewrite[] = [];
  ctx.pod.containers.forEach((c, containerIndex) => {
    if (c.name === 'istio-proxy') return;
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const probe = c.probes[kind];
      const httpGet = probe?.httpGet as Record<string, unknown> | undefined;
      if (!probe || !httpGet || typeof httpGet !== 'object') continue;
      const port = typeof httpGet.port === 'number' ? httpGet.port : c.ports.find((p) => p.name === httpGet.port)?.containerPort;
      if (port === undefined) continue;
      const path = `/app-health/${c.name}/${suffix[kind]}`;
      const original: Record<string, unknown> = {};
      if (httpGet.path) original.path = httpGet.path;
      original.port = port;
      for (const k of ['host', 'scheme', 'httpHeaders']) if (httpGet[k]) original[k] = httpGet[k];
      const entry: Record<string, unknown> = { httpGet: original };
      if (typeof probe.timeoutSeconds === 'number' && probe.timeoutSeconds !== 0) entry.timeoutSeconds = probe.timeoutSeconds;
      probers[path] = entry;
      rewrites.push({ containerIndex, kind, path, port: statusPort, downgradeScheme: httpGet.scheme === 'HTTPS' });
    }
  });
  return { probers: goJson(sortedKeys(probers)), rewrites };
}
