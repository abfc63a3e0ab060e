import type { AgentEnv } from './env.js';

export interface NodeIdentity {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly locality: Readonly<{ region?: string; zone?: string; sub_zone?: string }>;
}

/** Istio 1.5's list, set whatever the environment says (as 1.5 did). */
export const exchangeKeys = 'NAME,NAMESPACE,INSTANCE_IPS,LABELS,OWNER,PLATFORM_METADATA,WORKLOAD_NAME,CANONICAL_TELEMETRY_SERVICE,MESH_ID,SERVICE_ACCOUNT';

/**
 * Envoy node metadata the way Istio 1.5 builds it: ISTIO_META_* copied with the prefix stripped
 * (ISTIO_META_WORKLOAD* skipped, WORKLOAD_NAME mapped), ISTIO_METAJSON_* merged in, then typed fields.
 */
export function nodeIdentity(env: AgentEnv, ips: readonly string[], version: string, podLabels: Readonly<Record<string, string>> = {}): NodeIdentity {
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env.meta)) {
    if (key.startsWith('WORKLOAD')) continue;
    metadata[key] = value;
  }
  if (env.meta.WORKLOAD_NAME !== undefined) metadata.WORKLOAD_NAME = env.meta.WORKLOAD_NAME;
  for (const obj of Object.values(env.metaJson)) Object.assign(metadata, obj);

  const jsonLabels = stringMap(env.metaJson.LABELS ?? {});
  // Istio 1.5: the istioTelemetryService label (of ISTIO_METAJSON_LABELS) names the canonical telemetry service.
  if (jsonLabels.istioTelemetryService) metadata.CANONICAL_TELEMETRY_SERVICE = jsonLabels.istioTelemetryService;
  // Then the downward API labels file (kube-inject mounts it) over them, as 1.5 merged it.
  const labels = { ...jsonLabels, ...podLabels };
  if (env.podName) metadata.NAME = env.podName;
  if (env.podNamespace) metadata.NAMESPACE = env.podNamespace;
  if (env.serviceAccount) metadata.SERVICE_ACCOUNT = env.serviceAccount;
  metadata.INSTANCE_IPS = ips.join(',');
  if (Object.keys(labels).length > 0) metadata.LABELS = labels;
  metadata.ISTIO_VERSION ??= version;
  // The peer-metadata exchange (istio-proxy's metadata_exchange filter) sends exactly these keys to the peer.
  metadata.EXCHANGE_KEYS = exchangeKeys;
  metadata.ENVOY_STATUS_PORT = env.envoyStatusPort;
  metadata.ENVOY_PROMETHEUS_PORT = env.envoyPrometheusPort;
  return { metadata, labels, locality: locality(labels['istio-locality']) };
}

/** The istio-locality label "region.zone.subzone" → node.locality (empty parts omitted). */
function locality(label: string | undefined): NodeIdentity['locality'] {
  if (!label) return {};
  const [region, zone, subZone] = label.split('.');
  return {
    ...(region ? { region } : {}),
    ...(zone ? { zone } : {}),
    ...(subZone ? { sub_zone: subZone } : {}),
  };
}

function stringMap(obj: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
