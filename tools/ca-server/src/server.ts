// A local IstioCertificateService for tests: gRPC over TLS (istiod's serving certificate), the agent's own
// hand-written proto (src/ca/istioca.proto, loaded from there so both ends always agree), a bearer-token check
// standing in for istiod's TokenReview (the identity comes from the token's sub, as istiod's did), a lifetime
// cap, and failure injection. Every request is recorded.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import pb from 'protobufjs';
import { makeCaPki, type CaPki, type Validity } from './pki.js';

const protoPath = new URL('../../../src/ca/istioca.proto', import.meta.url);

interface CertificateRequest {
  csr: string;
  validity_duration: string;
}

export interface CaRequestRecord {
  readonly authorization: string | undefined;
  /** The SANs the agent put in its CSR, as "url:spiffe://…". */
  readonly csrSans: readonly string[];
  readonly validitySeconds: number;
  /** 'OK' or the gRPC status name answered. */
  readonly answer: string;
  readonly identity?: string;
  readonly serial?: string;
}

export interface CaServerOptions {
  readonly port?: number;
  readonly host?: string;
  /** The bearer token the CA accepts (a JWT whose sub is system:serviceaccount:<ns>:<sa>). */
  readonly token: string;
  readonly trustDomain?: string;
  /** Upper bound on an issued certificate's lifetime (istiod's max TTL); the request's validity_duration below it wins. */
  readonly maxLifetimeMs?: number;
  /** The root's validity (default: from a minute ago for a day); a past window makes an expired root. */
  readonly rootValidity?: Validity;
  /** Keys and certificates made beforehand (makeCaPki): a CA restarted with them presents the same root. */
  readonly pki?: CaPki;
}

export interface CaServer {
  readonly port: number;
  readonly rootPem: string;
  readonly requests: readonly CaRequestRecord[];
  /** Answer the next `count` requests with this status instead of a certificate. */
  failNext(count: number, code: grpc.status, message?: string): void;
  close(): Promise<void>;
}

function subjectOf(token: string): { ns: string; sa: string } | undefined {
  try {
    const sub = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: string }).sub ?? '';
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub);
    return m ? { ns: m[1]!, sa: m[2]! } : undefined;
  } catch {
    return undefined;
  }
}

/** An unsigned JWT whose sub names the service account (the CA here checks equality, not a signature). */
export function fakeServiceAccountToken(namespace: string, serviceAccount: string): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: ['istio-ca'], sub: `system:serviceaccount:${namespace}:${serviceAccount}` })}.c2ln`;
}

export async function startCaServer(options: CaServerOptions): Promise<CaServer> {
  const day = 24 * 3_600_000;
  const pki: CaPki = options.pki ?? (await makeCaPki(options.rootValidity ?? { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + day) }));
  const root = pb.parse(readFileSync(protoPath, 'utf8'), { keepCase: true }).root;
  const service = root.lookupService('istio.v1.auth.IstioCertificateService');
  const Request = root.lookupType('istio.v1.auth.IstioCertificateRequest');
  const Response = root.lookupType('istio.v1.auth.IstioCertificateResponse');
  const requests: CaRequestRecord[] = [];
  let failures: { count: number; code: grpc.status; message: string } | undefined;

  const createCertificate = (call: grpc.ServerUnaryCall<CertificateRequest, { cert_chain: string[] }>, done: grpc.sendUnaryData<{ cert_chain: string[] }>): void => {
    const authorization = call.metadata.get('authorization')[0]?.toString();
    const validitySeconds = Number(call.request.validity_duration);
    const record = (answer: string, extra: Partial<CaRequestRecord> = {}, csrSans: readonly string[] = []): void =>
      void requests.push({ authorization, csrSans, validitySeconds, answer, ...extra });
    const refuse = (code: grpc.status, message: string, csrSans?: readonly string[]): void => {
      record(grpc.status[code], {}, csrSans);
      done({ code, details: message });
    };
    if (failures && failures.count > 0) {
      failures.count--;
      return refuse(failures.code, failures.message);
    }
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    const subject = token === options.token ? subjectOf(token) : undefined;
    if (!subject) return refuse(grpc.status.UNAUTHENTICATED, 'request authenticate failure');
    const identity = `spiffe://${options.trustDomain ?? 'cluster.local'}/ns/${subject.ns}/sa/${subject.sa}`;
    const lifetime = Math.min(validitySeconds * 1000 || day, options.maxLifetimeMs ?? day);
    const now = Date.now();
    pki.sign(call.request.csr, identity, { notBefore: new Date(now - 1_000), notAfter: new Date(now + lifetime) }).then(
      ({ certPem, serial, csrSans }) => {
        record('OK', { identity, serial }, csrSans);
        done(null, { cert_chain: [certPem, pki.rootPem] });
      },
      (e: Error) => refuse(grpc.status.INVALID_ARGUMENT, `CSR signing error: ${e.message}`),
    );
  };

  const server = new grpc.Server();
  const method = service.methods.CreateCertificate!;
  server.addService(
    {
      CreateCertificate: {
        path: '/istio.v1.auth.IstioCertificateService/CreateCertificate',
        requestStream: false,
        responseStream: false,
        requestSerialize: (r: object) => Buffer.from(Request.encode(Request.fromObject(r)).finish()),
        requestDeserialize: (b: Buffer) => Request.toObject(Request.decode(b), { longs: String, defaults: true }),
        responseSerialize: (r: object) => Buffer.from(Response.encode(Response.fromObject(r)).finish()),
        responseDeserialize: (b: Buffer) => Response.toObject(Response.decode(b), { defaults: true }),
        originalName: method.name,
      },
    },
    { CreateCertificate: createCertificate },
  );
  const credentials = grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(pki.serving.certPem), private_key: Buffer.from(pki.serving.keyPem) }], false);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host ?? '127.0.0.1'}:${options.port ?? 0}`, credentials, (e, p) => (e ? reject(e) : resolve(p))),
  );
  return {
    port,
    rootPem: pki.rootPem,
    requests,
    failNext(count, code, message = 'injected failure') {
      failures = { count, code, message };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // A client mid-handshake would hold tryShutdown open: end everything after a short grace.
        setTimeout(() => server.forceShutdown(), 1_000).unref();
      }),
  };
}
