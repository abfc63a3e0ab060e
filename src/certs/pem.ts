import { X509Certificate } from 'node:crypto';

const beginLine = '-----BEGIN CERTIFICATE-----';
const endLine = '-----END CERTIFICATE-----';

/**
 * Every certificate in a PEM file, in file order. X509Certificate alone reads only the first block of
 * a bundle, and a chain file holds the leaf followed by its intermediates.
 * Throws with the block number when one does not parse.
 */
export function parseCertificates(pem: Buffer): X509Certificate[] {
  const blocks = certificateBlocks(pem.toString('latin1'));
  if (blocks.length === 0) throw new Error('no PEM certificate in it');
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new Error(`certificate ${i + 1} does not parse (${(e as Error).message})`);
    }
  });
}

/**
 * The BEGIN…END CERTIFICATE blocks, in one pass over the lines (a lazy regex over the whole text is
 * quadratic on many BEGIN lines with no END: 800 KB of them blocked the event loop for 8.6 s). Text
 * outside blocks is ignored, as OpenSSL does; a BEGIN whose block never ends is an error, since OpenSSL
 * would not read past it either.
 */
export function certificateBlocks(text: string): string[] {
  const blocks: string[] = [];
  let open: { offset: number; line: number } | undefined;
  let line = 0;
  for (let offset = 0; offset <= text.length; line++) {
    const newline = text.indexOf('\n', offset);
    const next = newline === -1 ? text.length : newline;
    const content = text.slice(offset, next).trim();
    if (content === beginLine) {
      if (open) throw new Error(`the certificate begun on line ${open.line + 1} has no END line before the next BEGIN on line ${line + 1}`);
      open = { offset, line };
    } else if (content === endLine && open) {
      blocks.push(text.slice(open.offset, next));
      open = undefined;
    }
    offset = next + 1;
  }
  if (open) throw new Error(`the certificate begun on line ${open.line + 1} has no END line`);
  return blocks;
}

/** notBefore / notAfter as epoch milliseconds (Node 20 has only the string forms). */
export function validity(cert: X509Certificate): { notBefore: number; notAfter: number } {
  return { notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}
