import { InputError, asArray, asRecord, type YamlPath } from './input-error.js';
import type { Owner } from './pod-context.js';

// Which documents carry a pod template and where. Matched by kind name whatever the group/version,
// as istioctl does (extensions/v1beta1 Deployment and batch/v1beta1 CronJob are handled too).

const templatePath: Readonly<Record<string, YamlPath>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  DeploymentConfig: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface PodTarget {
  readonly owner: Owner;
  readonly metaPath: YamlPath;
  readonly specPath: YamlPath;
  readonly meta: unknown;
  readonly spec: unknown;
}

/** True when istioctl would decode the document into a type it injects (or a List of them). */
export function isWorkloadKind(kind: unknown): boolean {
  return typeof kind === 'string' && (kind in templatePath || kind === 'List');
}

/** Pod templates of an object, a List's items included; empty for kinds that are passed through. */
export function findPodTargets(value: unknown, base: YamlPath = []): PodTarget[] {
  const obj = asRecord(value, base, 'a Kubernetes object (a mapping)');
  const kind = obj.kind;
  if (kind === 'List') {
    return asArray(obj.items, [...base, 'items']).flatMap((item, i) => findPodTargets(item, [...base, 'items', i]));
  }
  if (typeof kind !== 'string' || !(kind in templatePath)) return [];
  const meta = asRecord(obj.metadata, [...base, 'metadata']);
  const owner: Owner = {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    kind,
    name: typeof meta.name === 'string' ? meta.name : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
  };
  const rel = templatePath[kind]!;
  let template: unknown = obj;
  for (let i = 0; i < rel.length; i++) {
    template = asRecord(template, [...base, ...rel.slice(0, i)])[rel[i] as string];
    if (template === undefined || template === null) {
      throw new InputError(`${kind} "${owner.name}" has no pod template at ${rel.join('.')}`, [...base, ...rel.slice(0, i)]);
    }
  }
  const t = asRecord(template, [...base, ...rel]);
  // The pod template's own metadata, also for CronJob (istioctl 1.5 used the jobTemplate's, which pods never see).
  return [{ owner, metaPath: [...base, ...rel, 'metadata'], specPath: [...base, ...rel, 'spec'], meta: t.metadata, spec: t.spec }];
}
