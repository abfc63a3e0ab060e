// A fresh workload key and its PKCS#10 request, as Istio 1.5 made them (pki/util/generate_csr.go): RSA 2048,
// SHA256-RSA, the SPIFFE identity as a URI SAN, no CN (not dual-use), an empty Organization. 1.5 had no ECDSA
// option. Node's crypto makes the key; @peculiar/x509 writes the request (Node cannot).
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs it before it loads
import { KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as Crypto);

const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

export interface KeyAndCsr {
  /** PKCS#1 (`RSA PRIVATE KEY`) as 1.5, or PKCS#8 with PKCS8_KEY=true. */
  readonly keyPem: string;
  readonly csrPem: string;
  /** The public key as SPKI DER, to check the signed leaf carries it. */
  readonly publicKeyDer: Buffer;
}

export async function makeKeyAndCsr(identity: string, pkcs8: boolean): Promise<KeyAndCsr> {
  const keys = (await webcrypto.subtle.generateKey(rsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'O=',
    keys,
    signingAlgorithm: rsa,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: identity }])],
  });
  const privateKey = KeyObject.from(keys.privateKey);
  return {
    keyPem: privateKey.export({ type: pkcs8 ? 'pkcs8' : 'pkcs1', format: 'pem' }) as string,
    csrPem: csr.toString('pem'),
    publicKeyDer: KeyObject.from(keys.publicKey).export({ type: 'spki', format: 'der' }),
  };
}
