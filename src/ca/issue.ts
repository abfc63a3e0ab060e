// One issuance from start to finish: read the token and the CA's root (bounded reads: both are pod mounts), make a
// key and CSR for the workload's identity, have the CA sign it, and check what came back before anyone serves it.
// Every failure is an Error whose message is the whole story, for the log and the readiness body.
import { X509Certificate } from 'node:crypto';
import { parseCertificates, validity } from '../certs/pem.js';
import type { CaClientSettings } from '../config/ca-client.js';
import { readBounded } from '../fs/read-bounded.js';
import { createCertificate } from './client.js';
import { makeKeyAndCsr } from './csr.js';
import { workloadIdentity } from './identity.js';

export interface IssuedCertificate {
  /** cert_chain as the CA sent it: the leaf first, the root last. */
  readonly chain: readonly string[];
  readonly keyPem: string;
  readonly identity: string;
  readonly serial: string;
  /** When the agent received it (1.5's "created" time: the lifetime the grace ratio applies to starts here). */
  readonly receivedAt: number;
  readonly notAfter: number;
}

const fileBounds = { maxBytes: 1024 * 1024, timeoutMs: 5_000 } as const;

async function readPodFile(what: string, path: string, signal?: AbortSignal): Promise<Buffer> {
  try {
    return await readBounded(path, signal ? { ...fileBounds, signal } : fileBounds);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`${what} ${path} ${err.code === 'ENOENT' ? 'does not exist' : `cannot be read (${err.code ?? err.message})`}`);
  }
}

/** The CA's root, refused up front when expired: otherwise the TLS handshake fails with a vaguer reason. */
function checkRoot(path: string, pem: Buffer, now: number): void {
  let certs: X509Certificate[];
  try {
    certs = parseCertificates(pem);
  } catch (e) {
    throw new Error(`CA root certificate ${path} is not a PEM certificate: ${(e as Error).message}`);
  }
  for (const cert of certs) {
    const { notBefore, notAfter } = validity(cert);
    if (now > notAfter) throw new Error(`CA root certificate ${path} expired at ${new Date(notAfter).toISOString()}; the CA's serving certificate cannot be verified with it`);
    if (now < notBefore) throw new Error(`CA root certificate ${path} is not valid before ${new Date(notBefore).toISOString()}`);
  }
}

export async function issueCertificate(settings: CaClientSettings, now: () => number, signal?: AbortSignal): Promise<IssuedCertificate> {
  const token = (await readPodFile(`token (JWT_POLICY=${settings.jwtPolicy})`, settings.tokenPath, signal)).toString('utf8').trim();
  if (token === '') throw new Error(`token (JWT_POLICY=${settings.jwtPolicy}) ${settings.tokenPath} is empty`);
  let rootPem: Buffer | undefined;
  if (settings.rootCertPath) {
    rootPem = await readPodFile(`CA root certificate (PILOT_CERT_PROVIDER=${settings.pilotCertProvider})`, settings.rootCertPath, signal);
    checkRoot(settings.rootCertPath, rootPem, now());
  }
  const identity = workloadIdentity(token, settings.trustDomain, settings);
  if (!identity) throw new Error(`no workload identity: the token's sub is not system:serviceaccount:<ns>:<sa>, and POD_NAMESPACE or SERVICE_ACCOUNT is unset`);
  const { keyPem, csrPem, publicKeyDer } = await makeKeyAndCsr(identity, settings.pkcs8Key);
  const chain = await createCertificate({
    address: settings.address,
    serverName: settings.serverName,
    rootPem,
    token,
    csrPem,
    ttlSeconds: Math.max(1, Math.round(settings.ttlMs / 1000)),
    deadlineMs: 10_000,
  });
  const receivedAt = now();
  // 1.5: "invalid response cert chain" for a chain of one or none; the root is the last element.
  if (chain.length < 2) throw new Error(`CA returned an invalid certificate chain: ${chain.length} certificate(s), expected the leaf and at least the root`);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(chain[0]!);
    chain.forEach((pem) => new X509Certificate(pem));
  } catch (e) {
    throw new Error(`CA returned a certificate that does not parse: ${(e as Error).message}`);
  }
  if (!leaf.publicKey.export({ type: 'spki', format: 'der' }).equals(publicKeyDer)) throw new Error('CA returned a certificate for another key than the one in the CSR');
  const { notAfter } = validity(leaf);
  if (notAfter <= receivedAt) throw new Error(`CA returned a certificate that expired at ${new Date(notAfter).toISOString()}`);
  return { chain, keyPem, identity, serial: leaf.serialNumber, receivedAt, notAfter };
}
