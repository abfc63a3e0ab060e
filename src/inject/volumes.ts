import { A } from './annotations.js';
import { InputError } from './input-error.js';
import { annotationOr, type PodContext } from './pod-context.js';

// The sidecar's volumes and where it mounts them: bootstrap scratch space, pod labels/annotations,
// the projected token and istiod's root certificate, plus user volumes from annotations.

type Entry = Record<string, unknown>;

export function proxyVolumeMounts(ctx: PodContext): Entry[] {
  const v = ctx.cfg.values;
  const mounts: Entry[] = [];
  if (v.pilotCertProvider === 'istiod') mounts.push({ mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' });
  if (A.bootstrapOverride in ctx.pod.annotations) mounts.push({ mountPath: '/etc/istio/custom-bootstrap', name: 'custom-bootstrap-volume' });
  mounts.push({ mountPath: '/etc/istio/proxy', name: 'istio-envoy' });
  if (v.jwtPolicy === 'third-party-jwt') mounts.push({ mountPath: '/var/run/secrets/tokens', name: 'istio-token' });
  if (v.mountMtlsCerts) mounts.push({ mountPath: '/etc/certs/', name: 'istio-certs', readOnly: true });
  mounts.push({ mountPath: '/etc/istio/pod', name: 'podinfo' });
  for (const [name, mount] of Object.entries(jsonAnnotation(ctx, A.userVolumeMount))) mounts.push({ ...mount, name });
  return mounts;
}

export function proxyVolumes(ctx: PodContext): Entry[] {
  const v = ctx.cfg.values;
  const volumes: Entry[] = [];
  if (A.bootstrapOverride in ctx.pod.annotations) {
    volumes.push({ configMap: { name: annotationOr(ctx, A.bootstrapOverride, '') }, name: 'custom-bootstrap-volume' });
  }
  volumes.push({ emptyDir: { medium: 'Memory' }, name: 'istio-envoy' });
  volumes.push({
    downwardAPI: { items: [
      { fieldRef: { fieldPath: 'metadata.labels' }, path: 'labels' },
      { fieldRef: { fieldPath: 'metadata.annotations' }, path: 'annotations' },
    ] },
    name: 'podinfo',
  });
  if (v.jwtPolicy === 'third-party-jwt') {
    volumes.push({ name: 'istio-token', projected: { sources: [
      { serviceAccountToken: { audience: v.sdsTokenAudience, expirationSeconds: 43200, path: 'istio-token' } },
    ] } });
  }
  if (v.pilotCertProvider === 'istiod') volumes.push({ configMap: { name: 'istio-ca-root-cert' }, name: 'istiod-ca-cert' });
  if (v.mountMtlsCerts) {
    volumes.push({ name: 'istio-certs', secret: { optional: true, secretName: `istio.${ctx.pod.serviceAccountName || 'default'}` } });
  }
  for (const [name, volume] of Object.entries(jsonAnnotation(ctx, A.userVolume))) volumes.push({ ...volume, name });
  return volumes;
}

/** userVolume / userVolumeMount: a JSON object of name → Volume (or VolumeMount), ranged in key order. */
function jsonAnnotation(ctx: PodContext, key: string): Record<string, Entry> {
  const raw = ctx.pod.annotations[key];
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new InputError(`invalid value for annotation '${key}': ${(e as Error).message}`, [...ctx.pod.metaPath, 'annotations', key]);
  }
  const isEntry = (x: unknown): x is Entry => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (!isEntry(parsed) || !Object.values(parsed).every(isEntry)) {
    throw new InputError(`invalid value for annotation '${key}': expected a JSON object of name to object`, [...ctx.pod.metaPath, 'annotations', key]);
  }
  const out: Record<string, Entry> = {};
  for (const k of Object.keys(parsed).sort()) out[k] = parsed[k] as Entry;
  return out;
}
