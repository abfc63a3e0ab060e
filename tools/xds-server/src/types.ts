// The four resource types the server serves over ADS, and the shape of a snapshot of them.

export const typeUrls = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
} as const;

export type ResourceKind = keyof typeof typeUrls;
export type TypeUrl = (typeof typeUrls)[ResourceKind];

/** LDS and CDS are wildcard subscriptions (every response carries the full set); EDS and RDS name what they want. */
export const wildcardTypes: ReadonlySet<string> = new Set([typeUrls.listener, typeUrls.cluster]);

/**
 * A resource as a plain object in the .proto's own field names (snake_case), the form protobufjs' fromObject takes.
 * Nested google.protobuf.Any fields (typed_config) are written as `{ '@type': 'type.googleapis.com/<full.name>', ...fields }`
 * and packed into {type_url, value} bytes by protobufjs. Durations are `{ seconds, nanos }`, not "1s".
 */
export type Resource = Record<string, unknown>;

/** One version of the whole config. Every type is answered at this version. */
export interface Snapshot {
  readonly version: string;
  readonly listeners?: readonly Resource[];
  readonly clusters?: readonly Resource[];
  readonly endpoints?: readonly Resource[];
  readonly routes?: readonly Resource[];
}

const snapshotKeys: Record<string, keyof Omit<Snapshot, 'version'>> = {
  [typeUrls.listener]: 'listeners',
  [typeUrls.cluster]: 'clusters',
  [typeUrls.endpoint]: 'endpoints',
  [typeUrls.route]: 'routes',
};

/** The name Envoy subscribes a resource by: ClusterLoadAssignment has cluster_name, the others name. */
export function resourceName(typeUrl: string, r: Resource): string {
  return String(typeUrl === typeUrls.endpoint ? r['cluster_name'] : r['name']);
}

/** The resources of one type, or undefined for a type this server does not serve. */
export function resourcesOf(snapshot: Snapshot, typeUrl: string): readonly Resource[] | undefined {
  const key = snapshotKeys[typeUrl];
  return key ? (snapshot[key] ?? []) : undefined;
}
