import { A, parseUint } from './annotations.js';
import type { InjectConfig } from './inject-config.js';
import type { PodView } from './pod-view.js';

// What gets captured: one reading of the traffic annotations (falling back to values and mesh config)
// feeds both the istio-iptables command and the annotations written back to the pod.

/** Envoy's health listener, where kubelet's readiness probe goes (this agent's bootstrap routes it to the status port). */
export const healthPort = 15021;

export interface TrafficSettings {
  readonly mode: string;
  readonly statusPort: number;
  readonly includeOutboundIPRanges: string;
  readonly excludeOutboundIPRanges: string;
  /** For `-b`: the annotation, else every inbound port. */
  readonly includeInboundPorts: string;
  /** Excluded inbound ports with the status port added (without envoy's 15090). */
  readonly excludeInboundPorts: string;
  /** Present only when Istio passes `-o`: the annotation exists (even empty) or values set some ports. */
  readonly excludeOutboundPorts?: string;
  readonly kubevirtInterfaces?: string;
}

export function trafficSettings(pod: PodView, cfg: InjectConfig): TrafficSettings {
  const an = pod.annotations;
  const v = cfg.values;
  const pick = (key: string, fallback: string): string => (key in an ? an[key]! : fallback);
  const statusPort = A.statusPort in an ? parseUint(an[A.statusPort]!.trim(), 65535) ?? v.statusPort : v.statusPort;
  const settings: { -readonly [K in keyof TrafficSettings]: TrafficSettings[K] } = {
    mode: an[A.interceptionMode] || cfg.mesh.interceptionMode,
    statusPort,
    includeOutboundIPRanges: pick(A.includeOutboundIPRanges, v.includeIPRanges),
    excludeOutboundIPRanges: pick(A.excludeOutboundIPRanges, v.excludeIPRanges),
    includeInboundPorts: pick(A.includeInboundPorts, '*'),
    excludeInboundPorts: withStatusPort(String(statusPort), pick(A.excludeInboundPorts, v.excludeInboundPorts)),
  };
  if (A.excludeOutboundPorts in an || v.excludeOutboundPorts !== '') settings.excludeOutboundPorts = pick(A.excludeOutboundPorts, v.excludeOutboundPorts);
  if (A.kubevirtInterfaces in an) settings.kubevirtInterfaces = an[A.kubevirtInterfaces];
  return settings;
}

/** The status port must never be captured: add it to the excluded list unless it is already there. */
export function withStatusPort(statusPort: string, excluded: string): string {
  const s = statusPort.trim();
  if (s === '' || s === '0') return excluded;
  const items = excluded.split(',');
  if (items.includes(s)) return excluded;
  return [...items.map((i) => i.trim()).filter((i) => i !== ''), s].join(',');
}

/** The init container's command: `istio-iptables` with the capture rules for this pod. */
export function iptablesCommand(t: TrafficSettings, cniValidation: boolean): string[] {
  const cmd = ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', t.mode, '-i', t.includeOutboundIPRanges,
    '-x', t.excludeOutboundIPRanges, '-b', t.includeInboundPorts, '-d', inboundExclusions(t)];
  if (t.excludeOutboundPorts !== undefined) cmd.push('-o', t.excludeOutboundPorts);
  if (t.kubevirtInterfaces !== undefined) cmd.push('-k', t.kubevirtInterfaces);
  if (cniValidation) cmd.push('--run-validation', '--skip-rule-apply');
  return cmd;
}

/**
 * Never captured: envoy's prometheus port, its health port and the pod's own exclusions (status port included).
 * Istio 1.5 left out 15021, so kubelet's probe to it was redirected to envoy's inbound listener, which under
 * STRICT mTLS refuses plain HTTP; Istio 1.6 added it (istio#23467), as here. Each port once (pods that followed the
 * old advice annotate 15021 themselves), and no trailing comma when the pod excludes nothing.
 */
function inboundExclusions(t: TrafficSettings): string {
  const ports = ['15090', String(healthPort), ...t.excludeInboundPorts.split(',').map((p) => p.trim())];
  return [...new Set(ports.filter((p) => p !== ''))].join(',');
}

/**
 * The traffic annotations as injected (Istio writes the effective values back so the pod records what was
 * captured). includeInboundPorts defaults to the pod's TCP ports here, not `*`.
 */
export function redirectAnnotations(pod: PodView, t: TrafficSettings): [string, string][] {
  const inbound = A.includeInboundPorts in pod.annotations
    ? pod.annotations[A.includeInboundPorts]!
    : pod.containers.flatMap((c) => c.ports).filter((p) => p.protocol !== 'UDP' && p.protocol !== 'SCTP').map((p) => String(p.containerPort)).join(',');
  const wanted: [string, string | undefined][] = [
    [A.interceptionMode, t.mode],
    [A.includeOutboundIPRanges, t.includeOutboundIPRanges],
    [A.excludeOutboundIPRanges, t.excludeOutboundIPRanges],
    [A.includeInboundPorts, inbound],
    [A.excludeInboundPorts, t.excludeInboundPorts],
    [A.excludeOutboundPorts, t.excludeOutboundPorts],
    [A.kubevirtInterfaces, t.kubevirtInterfaces],
  ];
  return wanted.filter((w): w is [string, string] => w[1] !== undefined && w[1] !== '' && pod.annotations[w[0]] !== w[1]);
}
