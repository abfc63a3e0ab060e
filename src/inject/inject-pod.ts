import { parse as parseYaml } from 'yaml';
import { A, checkAnnotations, injectionDisabled } from './annotations.js';
import { planAppProbes, type ProbeRewrite } from './app-probes.js';
import { renderSearches } from './dns-search.js';
import { gracePeriod } from './grace-period.js';
import { goJson } from './go-json.js';
import type { InjectConfig } from './inject-config.js';
import { initContainers } from './init-containers.js';
import { jobCommandRewrite, type CommandRewrite } from './job-wrap.js';
import { asNativeSidecar, wantsNativeSidecar } from './native-sidecar.js';
import { InputError } from './input-error.js';
import type { Owner, PodContext } from './pod-context.js';
import type { PodView } from './pod-view.js';
import { proxyContainer } from './proxy-container.js';
import { redirectAnnotations, trafficSettings } from './traffic.js';
import { proxyVolumes } from './volumes.js';

// One pod template in, the edits that inject it out (or why it is left alone). Pure: the caller applies
// the edits to the YAML document so everything else in it stays as the user wrote it.

export interface PodPatch {
  readonly annotations: readonly [string, string][];
  readonly labels: readonly [string, string][];
  readonly initContainers: readonly Record<string, unknown>[];
  readonly proxy: Record<string, unknown>;
  /**
   * first: holdApplicationUntilProxyStarts, so its postStart hook gates the apps; last: a classic sidecar;
   * init: a native sidecar, after the injected init containers.
   */
  readonly proxyPlacement: 'first' | 'last' | 'init';
  /** --wrapJobCommand: the app container's new command. */
  readonly commandRewrites: readonly CommandRewrite[];
  readonly volumes: readonly Record<string, unknown>[];
  readonly probeRewrites: readonly ProbeRewrite[];
  readonly fsGroup?: number;
  /** Set when the pod's grace period (or Kubernetes' default) is too short for the sidecar's shutdown. */
  readonly terminationGracePeriodSeconds?: number;
  /** Replaces the pod's dnsConfig (as Istio 1.5 does) when global.podDNSSearchNamespaces is set. */
  readonly dnsConfig?: { readonly searches: readonly string[] };
}

export type PodOutcome = { readonly skipped: string } | { readonly patch: PodPatch };

export function injectPod(pod: PodView, owner: Owner, cfg: InjectConfig, warn: (line: string) => void): PodOutcome {
  const name = pod.name || owner.name;
  if (pod.hostNetwork) return { skipped: `Skipping injection because "${name}" has host networking enabled` };
  // Injected either way before: a classic sidecar beside the app, or a native one among the init containers.
  if ((pod.containers.length > 1 && pod.containers.some((c) => c.name === 'istio-proxy')) || pod.initContainerNames.includes('istio-proxy')) {
    return { skipped: `Skipping injection because "${name}" has injected "istio-proxy" sidecar already` };
  }
  if (injectionDisabled(pod.annotations)) return { skipped: `Skipping injection because "${name}" has sidecar injection disabled` };

  const report = checkAnnotations(pod.annotations);
  report.misspelled.forEach(warn);
  if (report.errors.length > 0) {
    throw new InputError(report.errors.map((e) => e.message).join('; '), [...pod.metaPath, 'annotations', report.errors[0]!.key]);
  }

  const traffic = trafficSettings(pod, cfg);
  const grace = gracePeriod(pod, owner, cfg, warn);
  const ctx: PodContext = { pod, owner, cfg, traffic, terminationGraceSeconds: grace.seconds };
  const native = wantsNativeSidecar(ctx);
  const wrap = jobCommandRewrite(ctx, native, warn);
  // Kubernetes itself holds the apps until a native sidecar's startupProbe passes: no postStart hook then.
  const hold = holdApplication(ctx) && !native;
  const classic = proxyContainer(ctx, { holdApplication: hold, shortDrain: native || wrap !== undefined });
  const probes = planAppProbes(ctx);
  if (probes) (classic.env as unknown[]).push({ name: 'ISTIO_KUBE_APP_PROBERS', value: probes.probers });
  const proxy = native ? asNativeSidecar(classic, ctx) : classic;
  const inits = initContainers(traffic, cfg);
  const volumes = proxyVolumes(ctx);
  const names = (list: readonly Record<string, unknown>[]): string[] | null => (list.length ? list.map((x) => x.name as string) : null);
  // Istio's status layout (key order included); the version stands in for the template hash.
  const status = goJson({
    version: cfg.templateVersion,
    initContainers: native ? [...inits.map((x) => x.name as string), 'istio-proxy'] : names(inits),
    containers: native ? null : ['istio-proxy'],
    volumes: names(volumes),
    imagePullSecrets: null,
  });

  const labels: [string, string][] = pod.labels['security.istio.io/tlsMode'] ? [] : [['security.istio.io/tlsMode', 'istio']];
  const patch: PodPatch = {
    annotations: [...redirectAnnotations(pod, traffic), [A.status, status]],
    labels,
    initContainers: inits,
    proxy,
    proxyPlacement: native ? 'init' : hold ? 'first' : 'last',
    commandRewrites: wrap ? [wrap] : [],
    volumes,
    probeRewrites: probes?.rewrites ?? [],
    ...(cfg.mesh.sdsUdsPath ? { fsGroup: 1337 } : {}),
    ...(grace.write ? { terminationGracePeriodSeconds: grace.seconds } : {}),
    ...(cfg.values.podDNSSearchNamespaces.length > 0 ? { dnsConfig: { searches: renderSearches(cfg.values.podDNSSearchNamespaces, owner) } } : {}),
  };
  return { patch };
}

/** Mesh default, values, or the pod's own `proxy.istio.io/config` override. */
function holdApplication(ctx: PodContext): boolean {
  const raw = ctx.pod.annotations[A.proxyConfig];
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = parseYaml(raw);
    } catch (e) {
      throw new InputError(`invalid value for annotation '${A.proxyConfig}': ${(e as Error).message.split('\n')[0]}`, [...ctx.pod.metaPath, 'annotations', A.proxyConfig]);
    }
    const v = (parsed as Record<string, unknown> | null)?.holdApplicationUntilProxyStarts;
    if (typeof v === 'boolean') return v;
  }
  return ctx.cfg.mesh.holdApplicationUntilProxyStarts || ctx.cfg.values.holdApplicationUntilProxyStarts;
}
