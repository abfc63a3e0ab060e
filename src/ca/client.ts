// One CreateCertificate call, as Istio 1.5's citadel client made it (caclient/providers/citadel/client.go): gRPC
// over TLS to CA_ADDR, trusting only the configured root and checking the serving certificate for istiod's name,
// the token in `authorization: Bearer`. A channel per call: a rotation happens hours apart, and a fresh channel
// picks up a changed root and never inherits a broken connection's back-off.
import * as grpc from '@grpc/grpc-js';
import type { HostPort } from '../config/addresses.js';
import { caService, type IstioCertificateRequest, type IstioCertificateResponse } from './api.js';

export interface CaCall {
  readonly address: HostPort;
  readonly serverName: string;
  /** PEM roots to trust; undefined for plaintext. */
  readonly rootPem: Buffer | undefined;
  readonly token: string;
  readonly csrPem: string;
  readonly ttlSeconds: number;
  readonly deadlineMs: number;
}

/** A CA refusal or transport failure, with the gRPC status name in the message (the readiness reason). */
export class CaCallError extends Error {
  readonly code: grpc.status;

  constructor(
    code: grpc.status,
    message: string,
  ) {
    super(message);
    this.code = code;
  }
}

export function createCertificate(call: CaCall): Promise<string[]> {
  const target = call.address.host.includes(':') ? `[${call.address.host}]:${call.address.port}` : `${call.address.host}:${call.address.port}`;
  const credentials = call.rootPem ? grpc.credentials.createSsl(call.rootPem) : grpc.credentials.createInsecure();
  const client = new grpc.Client(target, credentials, call.rootPem ? { 'grpc.ssl_target_name_override': call.serverName, 'grpc.default_authority': call.serverName } : {});
  const method = caService().CreateCertificate!;
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${call.token}`);
  const request: IstioCertificateRequest = { csr: call.csrPem, validity_duration: call.ttlSeconds };
  return new Promise<string[]>((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize as (b: Buffer) => IstioCertificateResponse,
      request,
      metadata,
      { deadline: Date.now() + call.deadlineMs },
      (err, res) => {
        client.close();
        if (err) reject(new CaCallError(err.code, `CA ${target} answered ${grpc.status[err.code] ?? err.code}: ${err.details || err.message}`));
        else resolve(res?.cert_chain ?? []);
      },
    );
  });
}
