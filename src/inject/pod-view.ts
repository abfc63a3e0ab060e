import { InputError, asArray, asRecord, asStringMap, type YamlPath } from './input-error.js';

// A typed, validated view of the parts of a pod template the injector reads. Paths are kept so that
// errors (and later the edits) point at the right place in the user's document.

export interface PortView {
  readonly name?: string;
  readonly hostPort?: number;
  readonly containerPort: number;
  readonly protocol?: string;
  readonly hostIP?: string;
}

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

export interface ContainerView {
  readonly name: string;
  readonly ports: readonly PortView[];
  readonly probes: Partial<Record<ProbeKind, Record<string, unknown>>>;
  /** The container's own command; absent when the image's ENTRYPOINT runs. */
  readonly command?: readonly string[];
}

export interface PodView {
  readonly metaPath: YamlPath;
  readonly specPath: YamlPath;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly ContainerView[];
  readonly initContainerNames: readonly string[];
  readonly hostNetwork: boolean;
  readonly serviceAccountName: string;
  /** spec.restartPolicy as written ('' when left to the default). */
  readonly restartPolicy: string;
  /** Absent when the pod leaves it to Kubernetes' default. */
  readonly terminationGracePeriodSeconds?: number;
}

export function readPod(meta: unknown, spec: unknown, metaPath: YamlPath, specPath: YamlPath): PodView {
  const m = asRecord(meta, metaPath);
  const s = asRecord(spec, specPath);
  const containersPath = [...specPath, 'containers'];
  const containers = asArray(s.containers, containersPath).map((c, i) => readContainer(c, [...containersPath, i]));
  const initPath = [...specPath, 'initContainers'];
  const initContainerNames = asArray(s.initContainers, initPath).map((c, i) => containerName(asRecord(c, [...initPath, i]), [...initPath, i]));
  return {
    metaPath,
    specPath,
    name: typeof m.name === 'string' ? m.name : '',
    annotations: asStringMap(m.annotations, [...metaPath, 'annotations']),
    labels: asStringMap(m.labels, [...metaPath, 'labels']),
    containers,
    initContainerNames,
    hostNetwork: s.hostNetwork === true,
    serviceAccountName: typeof s.serviceAccountName === 'string' ? s.serviceAccountName : '',
    restartPolicy: typeof s.restartPolicy === 'string' ? s.restartPolicy : '',
    ...optionalSeconds(s.terminationGracePeriodSeconds, [...specPath, 'terminationGracePeriodSeconds']),
  };
}

function optionalSeconds(v: unknown, path: YamlPath): { terminationGracePeriodSeconds?: number } {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new InputError('terminationGracePeriodSeconds must be a whole number of seconds', path);
  return { terminationGracePeriodSeconds: v };
}

function readContainer(value: unknown, path: YamlPath): ContainerView {
  const c = asRecord(value, path);
  const probes: Partial<Record<ProbeKind, Record<string, unknown>>> = {};
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    if (c[kind] !== undefined && c[kind] !== null) probes[kind] = asRecord(c[kind], [...path, kind]);
  }
  const portsPath = [...path, 'ports'];
  const commandPath = [...path, 'command'];
  const command = asArray(c.command, commandPath).map((arg, i) => {
    if (typeof arg !== 'string') throw new InputError('command entries must be strings', [...commandPath, i]);
    return arg;
  });
  return {
    name: containerName(c, path),
    ports: asArray(c.ports, portsPath).map((p, i) => readPort(p, [...portsPath, i])),
    probes,
    ...(command.length > 0 ? { command } : {}),
  };
}

function containerName(c: Record<string, unknown>, path: YamlPath): string {
  if (typeof c.name !== 'string' || c.name === '') throw new InputError('container without a name', [...path, 'name']);
  return c.name;
}

function readPort(value: unknown, path: YamlPath): PortView {
  const p = asRecord(value, path);
  const int = (k: string, required: boolean): number | undefined => {
    const v = p[k];
    if (v === undefined || v === null) {
      if (required) throw new InputError(`container port without ${k}`, path);
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw new InputError(`${k} must be a port number`, [...path, k]);
    return v;
  };
  const str = (k: string): string | undefined => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : undefined);
  // Only set fields Go would marshal (omitempty), in struct order: name, hostPort, containerPort, protocol, hostIP.
  const ordered: Record<string, unknown> = {};
  if (str('name')) ordered.name = str('name');
  const hostPort = int('hostPort', false);
  if (hostPort) ordered.hostPort = hostPort;
  ordered.containerPort = int('containerPort', true);
  if (str('protocol')) ordered.protocol = str('protocol');
  if (str('hostIP')) ordered.hostIP = str('hostIP');
  return ordered as unknown as PortView;
}
