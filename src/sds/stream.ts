// One SDS stream from envoy (each secret subscription of each epoch opens its own): the node it belongs to,
// the names it asked for, what was sent, ACKs and NACKs. State of the world: every response carries every
// requested secret that exists, at the current version. Nothing here is shared between streams, so a
// hot-restart parent and its child are each served on their own.
import { secretTypeUrl, type DiscoveryRequest, type DiscoveryResponse } from './api.js';
import type { PackedAny } from './api.js';

export interface PackedSecrets {
  readonly version: string;
  readonly byName: ReadonlyMap<string, PackedAny>;
}

export type StreamEvent =
  | { readonly kind: 'node'; readonly nodeId: string }
  | { readonly kind: 'sent'; readonly version: string; readonly nonce: string; readonly names: readonly string[] }
  | { readonly kind: 'ack'; readonly version: string; readonly nonce: string }
  | { readonly kind: 'nack'; readonly version: string; readonly acceptedVersion: string; readonly nonce: string; readonly message: string }
  | { readonly kind: 'ignored'; readonly why: string };

export interface StreamHooks {
  /** The secrets to serve now; undefined until the first valid material. */
  current(): PackedSecrets | undefined;
  write(res: DiscoveryResponse): void;
  /** End the stream with this error (envoy reconnects). */
  fail(message: string): void;
  onEvent(event: StreamEvent): void;
}

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((n) => b.includes(n));

export class SdsStream {
  nodeId = '';
  names: readonly string[] = [];
  #sentNonce: string | undefined;
  #sentVersion: string | undefined;
  /** The version a NACK refused: not sent again on this stream until the material changes. */
  #refused: string | undefined;
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
    if (!this.nodeId) {
      if (!req.node?.id) return this.hooks.fail('missing node id in the first request of the stream');
      this.nodeId = req.node.id;
      this.hooks.onEvent({ kind: 'node', nodeId: this.nodeId });
    }
    if (req.type_url !== secretTypeUrl) return this.hooks.onEvent({ kind: 'ignored', why: `type ${req.type_url} not served` });
    if (req.response_nonce && req.response_nonce !== this.#sentNonce) return this.hooks.onEvent({ kind: 'ignored', why: `stale nonce ${req.response_nonce}` });
    const changed = !sameNames(req.resource_names, this.names);
    this.names = [...req.resource_names];
    if (req.response_nonce) {
      if (req.error_detail) {
        this.#refused = this.#sentVersion;
        const e = { version: this.#sentVersion ?? '', acceptedVersion: req.version_info, nonce: req.response_nonce, message: req.error_detail.message ?? '' };
        this.hooks.onEvent({ kind: 'nack', ...e });
        if (!changed) return; // resending what envoy refused would loop: wait for new material
      } else {
        this.hooks.onEvent({ kind: 'ack', version: req.version_info, nonce: req.response_nonce });
        if (!changed) return;
      }
    }
    this.#send(true);
  }

  /** New material: send it unless this stream already has that version (or refused it). */
  push(): void {
    this.#send(false);
  }

  #send(asked: boolean): void {
    const current = this.hooks.current();
    if (!current || this.names.length === 0) return; // nothing to serve yet: the request stays open
    if (!asked && (current.version === this.#sentVersion || current.version === this.#refused)) return;
    const chosen = this.names.filter((n) => current.byName.has(n));
    if (chosen.length === 0) return this.hooks.onEvent({ kind: 'ignored', why: `no secret named ${this.names.join(', ')}` });
    const nonce = String(++this.#nonces);
    this.#sentNonce = nonce;
    this.#sentVersion = current.version;
    this.hooks.write({ version_info: current.version, resources: chosen.map((n) => current.byName.get(n)!), type_url: secretTypeUrl, nonce });
    this.hooks.onEvent({ kind: 'sent', version: current.version, nonce, names: chosen });
  }
}
