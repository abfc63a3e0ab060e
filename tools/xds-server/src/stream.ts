// One ADS stream (one Envoy, or one epoch of a hot restart): per-type subscription, version and nonce state,
// ACK/NACK classification, and the responses the xDS protocol calls for. Nothing here is shared between streams.
import type { PackedSnapshot } from './encode.js';
import { wildcardTypes } from './types.js';

export interface DiscoveryRequest {
  version_info: string;
  node?: { id?: string; cluster?: string } | null;
  resource_names: string[];
  type_url: string;
  response_nonce: string;
  error_detail?: { code?: number; message?: string } | null;
}

export interface DiscoveryResponse {
  version_info: string;
  resources: { type_url: string; value: Uint8Array }[];
  type_url: string;
  nonce: string;
}

export interface AckRecord {
  readonly stream: number;
  readonly nodeId: string;
  readonly typeUrl: string;
  readonly version: string;
  readonly nonce: string;
}

export interface NackRecord extends AckRecord {
  /** The version Envoy still runs (empty when it never accepted one of this type). */
  readonly acceptedVersion: string;
  readonly code: number;
  readonly message: string;
}

export interface ResponseRecord {
  readonly stream: number;
  readonly nodeId: string;
  readonly typeUrl: string;
  readonly version: string;
  readonly nonce: string;
  readonly names: readonly string[];
}

export interface StreamHooks {
  current(): { version: string; packed: PackedSnapshot } | undefined;
  write(res: DiscoveryResponse): void;
  onNode(nodeId: string, cluster: string): void;
  onAck(ack: AckRecord): void;
  onNack(nack: NackRecord): void;
  onResponse(res: ResponseRecord): void;
  onIgnored(typeUrl: string, why: string): void;
}

interface TypeState {
  names: string[];
  sentNonce?: string;
  sentVersion?: string;
  ackedVersion: string;
}

// Make before break: clusters and their endpoints before the listeners and routes that use them.
const pushOrder = [
  'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  'type.googleapis.com/envoy.config.listener.v3.Listener',
  'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
];

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().every((n, i) => n === [...b].sort()[i]);

export class AdsStream {
  nodeId = '';
  readonly #types = new Map<string, TypeState>();
  #nonces = 0;

  readonly id: number;
  private readonly hooks: StreamHooks;

  constructor(
    id: number,
    hooks: StreamHooks,
  ) {
    this.id = id;
    this.hooks = hooks;
  }

  onRequest(req: DiscoveryRequest): void {
    if (!this.nodeId && req.node?.id) {
      this.nodeId = req.node.id;
      this.hooks.onNode(this.nodeId, req.node.cluster ?? '');
    }
    const typeUrl = req.type_url;
    if (!pushOrder.includes(typeUrl)) return this.hooks.onIgnored(typeUrl, 'type not served');
    let st = this.#types.get(typeUrl);
    if (!st) this.#types.set(typeUrl, (st = { names: [], ackedVersion: '' }));
    const names = wildcardTypes.has(typeUrl) ? [] : req.resource_names;
    if (req.response_nonce && req.response_nonce !== st.sentNonce) return this.hooks.onIgnored(typeUrl, `stale nonce ${req.response_nonce}`);
    const changed = !sameNames(names, st.names);
    st.names = names;
    if (!req.response_nonce) return this.#send(typeUrl); // first request of the type (or of a reconnected stream)
    const base = { stream: this.id, nodeId: this.nodeId, typeUrl, nonce: req.response_nonce };
    if (req.error_detail) {
      // A NACK: Envoy keeps its last good config; resending the same bad one would loop, so wait for a new snapshot.
      const e = req.error_detail;
      this.hooks.onNack({ ...base, version: st.sentVersion ?? '', acceptedVersion: req.version_info, code: e.code ?? 0, message: e.message ?? '' });
      return;
    }
    st.ackedVersion = req.version_info;
    this.hooks.onAck({ ...base, version: req.version_info });
    if (changed) this.#send(typeUrl); // an ACK that also asks for other names (new EDS clusters, RDS routes)
  }

  /** A new snapshot: every type this stream subscribed to gets it. */
  push(): void {
    for (const typeUrl of pushOrder) if (this.#types.has(typeUrl)) this.#send(typeUrl);
  }

  #send(typeUrl: string): void {
    const current = this.hooks.current();
    const st = this.#types.get(typeUrl);
    if (!current || !st) return; // snapshot withheld: the request stays open until setSnapshot()
    const all = current.packed.get(typeUrl) ?? [];
    const chosen = wildcardTypes.has(typeUrl) ? all : all.filter((r) => st.names.includes(r.name));
    const nonce = String(++this.#nonces);
    st.sentNonce = nonce;
    st.sentVersion = current.version;
    this.hooks.write({ version_info: current.version, resources: chosen.map((r) => r.any), type_url: typeUrl, nonce });
    this.hooks.onResponse({ stream: this.id, nodeId: this.nodeId, typeUrl, version: current.version, nonce, names: chosen.map((r) => r.name) });
  }
}
