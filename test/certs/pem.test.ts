// Splitting a chain file into its certificate blocks, in one pass over the lines.
import t from 'tap';
import { certificateBlocks, parseCertificates } from '../../src/certs/pem.js';
import { fixture } from '../fixtures/certs/pki.js';

const begin = '-----BEGIN CERTIFICATE-----';
const end = '-----END CERTIFICATE-----';

t.test('blocks in file order; text around them ignored; CRLF and indentation tolerated', async (t) => {
  t.same(certificateBlocks(`comment\n${begin}\nAA\n${end}\nbetween\n  ${begin}\r\nBB\r\n${end}\r\ntrailer`), [
    `${begin}\nAA\n${end}`,
    `  ${begin}\r\nBB\r\n${end}\r`,
  ]);
  t.same(certificateBlocks(`${end}\n-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n`), [], 'an END alone and other block types are not certificates');
  t.equal(parseCertificates(Buffer.from(fixture('leaf-c-chain.pem'))).length, 2, 'leaf + intermediate');
});

t.test('a BEGIN that never ends is an error naming its line', async (t) => {
  t.throws(() => certificateBlocks(`${begin}\nAA\n`), { message: 'the certificate begun on line 1 has no END line' });
  t.throws(() => certificateBlocks(`x\n${begin}\n${begin}\nAA\n${end}\n`), { message: 'the certificate begun on line 2 has no END line before the next BEGIN on line 3' });
  // The shape that made the old whole-text regex quadratic: rejected, not scanned to the end per BEGIN.
  t.throws(() => parseCertificates(Buffer.from(`${begin}\n`.repeat(30_000))), { message: /has no END line/ });
});
