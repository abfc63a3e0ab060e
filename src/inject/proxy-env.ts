import { A } from './annotations.js';
import { goJson, sortedKeys } from './go-json.js';
import { shortDrainEnv } from './native-sidecar.js';
import type { PodContext } from './pod-context.js';

// The sidecar's environment in Istio 1.5's order: identity from the downward API, then ISTIO_META_* that
// the agent copies into envoy's node metadata.

type EnvVar = { name: string; value: string } | { name: string; valueFrom: { fieldRef: { fieldPath: string } } };

const field = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });

export function proxyEnv(ctx: PodContext, shortDrain: boolean): EnvVar[] {
  const { cfg, pod, owner, traffic } = ctx;
  const v = cfg.values;
  const env: EnvVar[] = [
    { name: 'JWT_POLICY', value: v.jwtPolicy },
    { name: 'PILOT_CERT_PROVIDER', value: v.pilotCertProvider },
    { name: 'CA_ADDR', value: v.caAddress || `istio-pilot.${v.istioNamespace}.svc:15012` },
    field('POD_NAME', 'metadata.name'),
    field('POD_NAMESPACE', 'metadata.namespace'),
    field('INSTANCE_IP', 'status.podIP'),
    field('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    field('HOST_IP', 'status.hostIP'),
    { name: 'ISTIO_META_POD_PORTS', value: podPortsJson(ctx) },
    { name: 'ISTIO_META_CLUSTER_ID', value: v.clusterName || 'Kubernetes' },
    field('ISTIO_META_POD_NAME', 'metadata.name'),
    field('ISTIO_META_CONFIG_NAMESPACE', 'metadata.namespace'),
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: traffic.mode },
  ];
  if (v.network) env.push({ name: 'ISTIO_META_NETWORK', value: v.network });
  if (Object.keys(pod.annotations).length > 0) {
    env.push({ name: 'ISTIO_METAJSON_ANNOTATIONS', value: `${goJson(sortedKeys(pod.annotations))}\n` });
  }
  if (owner.name) env.push({ name: 'ISTIO_META_WORKLOAD_NAME', value: owner.name });
  if (owner.apiVersion && owner.name) {
    const ns = owner.namespace || 'default';
    env.push({ name: 'ISTIO_META_OWNER', value: `kubernetes://apis/${owner.apiVersion}/namespaces/${ns}/${owner.kind.toLowerCase()}s/${owner.name}` });
  }
  if (A.bootstrapOverride in pod.annotations) {
    env.push({ name: 'ISTIO_BOOTSTRAP_OVERRIDE', value: '/etc/istio/custom-bootstrap/custom_bootstrap.json' });
  }
  const meshId = v.meshID || v.trustDomain;
  if (meshId) env.push({ name: 'ISTIO_META_MESH_ID', value: meshId });
  // The agent cannot read its pod's spec: told the grace period, it warns at start when its shutdown cannot fit.
  env.push({ name: 'TERMINATION_GRACE_PERIOD_SECONDS', value: String(ctx.terminationGraceSeconds) });
  if (shortDrain) env.push(...shortDrainEnv(ctx));
  for (const [name, value] of Object.entries(sortedKeys(cfg.mesh.proxyMetadata))) env.push({ name, value });
  return env;
}

/** Every container port as one JSON object per line, the layout Istio's template produces. */
function podPortsJson(ctx: PodContext): string {
  const ports = ctx.pod.containers.flatMap((c) => c.ports);
  const lines = ports.map((p, i) => `    ${i === 0 ? '' : ','}${goJson(p)}\n`);
  return `[\n${lines.join('')}]`;
}
