// The slice of Envoy's v3 API the SDS server speaks, with grpc-js method (de)serializers written by hand:
// no proto-loader and no .proto parsing at run time, only the generated descriptor (envoy-sds-api.generated.ts).
// Loaded only once envoy opens its first SDS connection.
import type { ServiceDefinition } from '@grpc/grpc-js';
import pb from 'protobufjs/light.js';
import { envoySdsApi } from './envoy-sds-api.generated.js';

export const secretTypeUrl = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
export const streamSecretsPath = '/envoy.service.secret.v3.SecretDiscoveryService/StreamSecrets';

export interface DiscoveryRequest {
  version_info: string;
  node?: { id?: string; cluster?: string } | null;
  resource_names: string[];
  type_url: string;
  response_nonce: string;
  error_detail?: { code?: number; message?: string } | null;
}

export interface PackedAny {
  readonly type_url: string;
  readonly value: Uint8Array;
}

export interface DiscoveryResponse {
  version_info: string;
  resources: PackedAny[];
  type_url: string;
  nonce: string;
}

const root = pb.Root.fromJSON(envoySdsApi);
const Request = root.lookupType('envoy.service.discovery.v3.DiscoveryRequest');
const Response = root.lookupType('envoy.service.discovery.v3.DiscoveryResponse');
const Secret = root.lookupType('envoy.extensions.transport_sockets.tls.v3.Secret');
const asObject = { longs: String, enums: String, defaults: true } as const;

/** A Secret (field names as in secret.proto) packed into a google.protobuf.Any. */
export function packSecret(secret: Record<string, unknown>): PackedAny {
  return { type_url: secretTypeUrl, value: Secret.encode(Secret.fromObject(secret)).finish() };
}

export function unpackSecret(any: PackedAny): Record<string, unknown> {
  return Secret.toObject(Secret.decode(any.value), { ...asObject, bytes: String }) as Record<string, unknown>;
}

/** StreamSecrets only: grpc-js answers FetchSecrets and DeltaSecrets with UNIMPLEMENTED, and Envoy asks for neither. */
export function sdsService(): ServiceDefinition {
  return {
    StreamSecrets: {
      path: streamSecretsPath,
      requestStream: true,
      responseStream: true,
      requestSerialize: (r: DiscoveryRequest) => Buffer.from(Request.encode(Request.fromObject(r)).finish()),
      requestDeserialize: (b: Buffer) => Request.toObject(Request.decode(b), asObject) as DiscoveryRequest,
      responseSerialize: (r: DiscoveryResponse) => Buffer.from(Response.encode(Response.fromObject(r)).finish()),
      responseDeserialize: (b: Buffer) => Response.toObject(Response.decode(b), asObject) as DiscoveryResponse,
    },
  };
}
