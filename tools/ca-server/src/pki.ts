// The test CA's keys and certificates, made with @peculiar/x509 (the library the agent writes its CSR with):
// an ECDSA P-256 root (its validity chosen by the test, so it can be expired), istiod's serving certificate with
// the DNS names istiod 1.5 put in its own (initDNSCerts: istiod, istiod-remote and istio-pilot in istio-system; the
// client checks the dial host, and kube-inject's CA_ADDR names istio-pilot), and workload certificates signed from
// a CSR.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as Crypto);

const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const serial = (): string => `01${randomBytes(15).toString('hex')}`;

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CaPki {
  readonly rootPem: string;
  readonly serving: { readonly certPem: string; readonly keyPem: string };
  /** A workload certificate for `identity` with the CSR's public key; the CSR's own SANs are ignored, as istiod's. */
  sign(csrPem: string, identity: string, validity: Validity): Promise<{ certPem: string; serial: string; csrSans: string[] }>;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
}

export const istiodDnsNames: readonly string[] = ['istiod', 'istiod-remote', 'istio-pilot'].map((name) => `${name}.istio-system.svc`);

export async function makeCaPki(rootValidity: Validity, servingNames: readonly string[] = istiodDnsNames): Promise<CaPki> {
  const rootKeys = (await webcrypto.subtle.generateKey(ec, true, ['sign', 'verify'])) as CryptoKeyPair;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'O=cluster.local,CN=test CA root',
    ...rootValidity,
    keys: rootKeys,
    signingAlgorithm: ec,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const servingKeys = (await webcrypto.subtle.generateKey(ec, true, ['sign', 'verify'])) as CryptoKeyPair;
  const serving = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'O=cluster.local,CN=istiod',
    issuer: root.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3_600_000),
    publicKey: servingKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: ec,
    extensions: [new x509.SubjectAlternativeNameExtension(servingNames.map((value) => ({ type: 'dns' as const, value }))), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth])],
  });
  return {
    rootPem: root.toString('pem'),
    serving: { certPem: serving.toString('pem'), keyPem: await keyPem(servingKeys.privateKey) },
    async sign(csrPem, identity, validity) {
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      if (!(await csr.verify())) throw new Error('the CSR signature does not verify');
      const sanExt = csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
      const csrSans = sanExt ? sanExt.names.items.map((n) => `${n.type}:${n.value}`) : [];
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: '',
        issuer: root.subject,
        ...validity,
        publicKey: csr.publicKey,
        signingKey: rootKeys.privateKey,
        signingAlgorithm: ec,
        extensions: [
          new x509.SubjectAlternativeNameExtension([{ type: 'url', value: identity }], true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        ],
      });
      return { certPem: cert.toString('pem'), serial: cert.serialNumber, csrSans };
    },
  };
}
