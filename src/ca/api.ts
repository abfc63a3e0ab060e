// IstioCertificateService as grpc-js needs it, from the hand-written istioca.proto beside this file (shipped in
// dist/ca/ by the build). protobufjs parses it once when the CA client loads: the file is a few hundred bytes,
// so no generated descriptor (as src/sds has for Envoy's large API) is worth keeping in step with it.
import { readFileSync } from 'node:fs';
import type { ServiceDefinition } from '@grpc/grpc-js';
import pb from 'protobufjs';

export const createCertificatePath = '/istio.v1.auth.IstioCertificateService/CreateCertificate';

export interface IstioCertificateRequest {
  csr: string;
  subject_id?: string;
  /** Seconds; a string, as protobufjs gives int64s. */
  validity_duration: string | number;
}

export interface IstioCertificateResponse {
  cert_chain: string[];
}

// '../ca/' and not './': the bundled agent runs this from dist/bundle/, which sits beside dist/ca/.
export const protoPath = new URL('../ca/istioca.proto', import.meta.url);

const root = pb.parse(readFileSync(protoPath, 'utf8'), { keepCase: true }).root;
const Request = root.lookupType('istio.v1.auth.IstioCertificateRequest');
const Response = root.lookupType('istio.v1.auth.IstioCertificateResponse');
const asObject = { longs: String, defaults: true } as const;

/** The one method, with (de)serializers for both ends: the agent's client and the test CA's server. */
export function caService(): ServiceDefinition {
  return {
    CreateCertificate: {
      path: createCertificatePath,
      requestStream: false,
      responseStream: false,
      requestSerialize: (r: IstioCertificateRequest) => Buffer.from(Request.encode(Request.fromObject(r)).finish()),
      requestDeserialize: (b: Buffer) => Request.toObject(Request.decode(b), asObject) as IstioCertificateRequest,
      responseSerialize: (r: IstioCertificateResponse) => Buffer.from(Response.encode(Response.fromObject(r)).finish()),
      responseDeserialize: (b: Buffer) => Response.toObject(Response.decode(b), asObject) as IstioCertificateResponse,
    },
  };
}
