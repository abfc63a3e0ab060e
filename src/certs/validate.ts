import { createPrivateKey, type KeyObject, type X509Certificate } from 'node:crypto';
import type { CertMaterial, CertRole } from './material.js';
import { parseCertificates, validity } from './pem.js';

export interface LeafSummary {
  readonly subject: string;
  readonly serialNumber: string;
  readonly fingerprint256: string;
  readonly notAfter: number;
}

export interface FileExpiry {
  readonly role: CertRole;
  readonly path: string;
  /** The earliest notAfter in the file (ms): the certificate that breaks first. */
  readonly notAfter: number;
}

export type Verdict =
  | { readonly ok: true; readonly leaf: LeafSummary; readonly expiries: readonly FileExpiry[] }
  /** `absent`: the chain or key file does not exist (yet), as opposed to holding something bad. */
  | {
      readonly ok: false;
      readonly reason: string;
      readonly absent: boolean;
      /** When the same files may be judged differently (a certificate not valid yet); otherwise never. */
      readonly recheckAt?: number;
    };

class Invalid extends Error {
  readonly recheckAt?: number;

  constructor(
    message: string,
    recheckAt?: number,
  ) {
    super(message);
    this.recheckAt = recheckAt;
  }
}

/**
 * Would envoy start with these files? Each PEM parses, the key belongs to the leaf, every certificate
 * of the chain is within its validity period and issued by the next one, and when a root file exists
 * the chain ends in one of its certificates. The root file is optional; the chain and key are not.
 */
export function validateCertMaterial(material: CertMaterial, now = Date.now()): Verdict {
  const required = material.unreadable.filter((u) => u.role !== 'rootCert');
  const absent = required.length > 0 && required.every((u) => u.code === 'ENOENT');
  try {
    for (const u of material.unreadable) {
      if (u.role === 'rootCert' && u.code === 'ENOENT') continue;
      throw new Invalid(u.reason ?? `cannot read ${u.path} (${u.code})`);
    }
    const { files, contents } = material;
    const chain = parse(files.certChain, () => parseCertificates(contents.certChain!));
    const key = parse(files.key, () => parseKey(contents.key!));
    const roots = contents.rootCert ? parse(files.rootCert, () => parseCertificates(contents.rootCert!)) : undefined;
    const leaf = chain[0]!;
    if (!matches(leaf, key)) throw new Invalid(`${files.key} does not match the leaf certificate (${oneLine(leaf.subject)}) in ${files.certChain}`);
    chain.forEach((cert, i) => checkValidity(cert, i === 0 ? 'leaf' : `chain certificate ${i + 1}`, files.certChain, now));
    for (let i = 0; i + 1 < chain.length; i++) {
      if (!issuedBy(chain[i]!, chain[i + 1]!)) throw new Invalid(`${files.certChain}: certificate ${i + 1} is not issued by certificate ${i + 2}`);
    }
    if (roots) checkAnchored(chain.at(-1)!, roots, files.certChain, files.rootCert);
    const expiries: FileExpiry[] = [{ role: 'certChain', path: files.certChain, notAfter: earliest(chain) }];
    if (roots) expiries.push({ role: 'rootCert', path: files.rootCert, notAfter: earliest(roots) });
    const leafSummary = { subject: oneLine(leaf.subject), serialNumber: leaf.serialNumber, fingerprint256: leaf.fingerprint256, notAfter: validity(leaf).notAfter };
    return { ok: true, leaf: leafSummary, expiries };
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    return { ok: false, reason: e.message, absent, ...(e.recheckAt === undefined ? {} : { recheckAt: e.recheckAt }) };
  }
}

function parse<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Invalid(`${path}: ${(e as Error).message}`);
  }
}

function parseKey(pem: Buffer): KeyObject {
  if (pem.toString('latin1').trim() === '') throw new Error('empty file');
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new Error(`not a PEM private key (${(e as Error).message})`);
  }
}

function matches(leaf: X509Certificate, key: KeyObject): boolean {
  try {
    return leaf.checkPrivateKey(key);
  } catch {
    return false; // e.g. an RSA key against an EC certificate, on some OpenSSL builds
  }
}

function checkValidity(cert: X509Certificate, what: string, path: string, now: number): void {
  const { notBefore, notAfter } = validity(cert);
  const name = `${what} (${oneLine(cert.subject)}) in ${path}`;
  if (now < notBefore) throw new Invalid(`${name} is not valid before ${new Date(notBefore).toISOString()}`, notBefore);
  if (now > notAfter) throw new Invalid(`${name} expired at ${new Date(notAfter).toISOString()}`);
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/** The chain's last certificate is one of the roots, or is issued by one. */
function checkAnchored(last: X509Certificate, roots: readonly X509Certificate[], chainPath: string, rootPath: string): void {
  if (roots.some((r) => r.fingerprint256 === last.fingerprint256 || issuedBy(last, r))) return;
  throw new Invalid(`${chainPath} does not verify against ${rootPath}: ${oneLine(last.issuer)} is not among its certificates`);
}

function earliest(certs: readonly X509Certificate[]): number {
  return Math.min(...certs.map((c) => validity(c).notAfter));
}

/** X509Certificate names are multi-line ("O=test\nCN=leaf-a"); logs want one line. */
function oneLine(name: string): string {
  return name.split('\n').join(', ');
}
