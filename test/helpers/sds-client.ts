// A grpc-js SDS client over the agent's unix socket, standing in for one envoy subscription: it sends
// DiscoveryRequests as envoy does (first request, ACK, NACK) and records every response.
import * as grpc from '@grpc/grpc-js';
import type { Test } from 'tap';
import { secretTypeUrl, sdsService, unpackSecret, type DiscoveryRequest, type DiscoveryResponse } from '../../src/sds/api.js';
import { waitFor } from './net.js';

export class SdsClient {
  readonly responses: DiscoveryResponse[] = [];
  ended: grpc.ServiceError | undefined;
  readonly #client: grpc.Client;
  readonly #call: grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse>;

  constructor(socketPath: string) {
    this.#client = new grpc.Client(`unix:${socketPath}`, grpc.credentials.createInsecure());
    const m = sdsService().StreamSecrets!;
    this.#call = this.#client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize as (b: Buffer) => DiscoveryResponse);
    this.#call.on('data', (r: DiscoveryResponse) => this.responses.push(r));
    this.#call.on('error', (e: grpc.ServiceError) => (this.ended = e));
  }

  /** The first request of a subscription (node id, names; no version, no nonce). */
  subscribe(names: string[], nodeId = 'sidecar~127.0.0.1~app-0.test~test.svc.cluster.local'): void {
    this.send({ version_info: '', node: { id: nodeId }, resource_names: names, type_url: secretTypeUrl, response_nonce: '' });
  }

  ack(res: DiscoveryResponse, names: string[]): void {
    this.send({ version_info: res.version_info, resource_names: names, type_url: secretTypeUrl, response_nonce: res.nonce });
  }

  nack(res: DiscoveryResponse, keptVersion: string, names: string[], message = 'rejected'): void {
    this.send({ version_info: keptVersion, resource_names: names, type_url: secretTypeUrl, response_nonce: res.nonce, error_detail: { code: 3, message } });
  }

  send(req: DiscoveryRequest): void {
    this.#call.write(req);
  }

  /** The n-th (1-based) response, once it has arrived. */
  async response(n: number): Promise<DiscoveryResponse> {
    return waitFor(`SDS response ${n}`, () => this.responses[n - 1] ?? (this.ended ? Promise.reject(this.ended) : undefined), 10_000, 5);
  }

  close(): void {
    this.#call.cancel();
    this.#client.close();
  }
}

export function sdsClient(t: Test, socketPath: string): SdsClient {
  const c = new SdsClient(socketPath);
  t.teardown(() => c.close());
  return c;
}

/** The PEM text of each secret in a response, by name. */
export function secretPems(res: DiscoveryResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const any of res.resources) {
    const s = unpackSecret(any) as { name: string; tls_certificate?: any; validation_context?: any };
    const b64 = s.tls_certificate?.certificate_chain?.inline_bytes ?? s.validation_context?.trusted_ca?.inline_bytes;
    out[s.name] = Buffer.from(String(b64), 'base64').toString('utf8');
    if (s.tls_certificate) out[`${s.name}.key`] = Buffer.from(String(s.tls_certificate.private_key.inline_bytes), 'base64').toString('utf8');
  }
  return out;
}
