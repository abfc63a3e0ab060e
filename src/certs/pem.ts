import { X509Certificate } from 'node:crypto';

const block = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Every certificate in a PEM file, in file order. X509Certificate alone reads only the first block of
 * a bundle, and a chain file holds the leaf followed by its intermediates.
 * Throws with the block number when one does not parse.
 */
export function parseCertificates(pem: Buffer): X509Certificate[] {
  const text = pem.toString('latin1');
  const blocks = text.match(block) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in it');
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new Error(`certificate ${i + 1} does not parse (${(e as Error).message})`);
    }
  });
}

/** notBefore / notAfter as epoch milliseconds (Node 20 has only the string forms). */
export function validity(cert: X509Certificate): { notBefore: number; notAfter: number } {
  return { notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}
