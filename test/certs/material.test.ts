import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { hashCertMaterial, readCertMaterial, type CertMaterial } from '../../src/certs/material.js';

const files = { certChain: '/c/chain', key: '/c/key', rootCert: '/c/root' };
const m = (chain?: string, key?: string, root?: string): CertMaterial => ({
  files,
  contents: { certChain: chain === undefined ? undefined : Buffer.from(chain), key: key === undefined ? undefined : Buffer.from(key), rootCert: root === undefined ? undefined : Buffer.from(root) },
  unreadable: [],
});
const hash = (chain?: string, key?: string, root?: string): string => hashCertMaterial(m(chain, key, root));

t.test('the hash: SHA-256 hex of the set, the same for the same contents', async (t) => {
  t.match(hash('a', 'b', 'c'), /^[0-9a-f]{64}$/);
  t.equal(hash('a', 'b', 'c'), hash('a', 'b', 'c'));
  t.not(hash('a', 'b', 'c'), hash('a', 'b', 'd'), 'one byte in one file');
  t.not(hash('a', 'b', 'c'), hash('b', 'a', 'c'), 'contents swapped between files');
  t.not(hash('ab', '', 'c'), hash('a', 'b', 'c'), 'bytes moved from one file into the next');
  t.not(hash('a', 'b', undefined), hash('a', 'b', ''), 'a missing file differs from an empty one');
  t.equal(hashCertMaterial({ ...m('a', 'b', 'c'), files: { certChain: '/x', key: '/y', rootCert: '/z' } }), hash('a', 'b', 'c'), 'paths are not hashed: contents are');
});

t.test('reading: contents through symlinks, and why a file could not be read', async (t) => {
  const dir = t.testdir({ '..2025_01_01': { 'key.pem': 'KEY' }, 'root-cert.pem': { 'oops-a-dir': 'x' } });
  symlinkSync('..2025_01_01', `${dir}/..data`);
  symlinkSync('..data/key.pem', `${dir}/key.pem`);
  const read = await readCertMaterial({ certChain: `${dir}/cert-chain.pem`, key: `${dir}/key.pem`, rootCert: `${dir}/root-cert.pem` });
  t.equal(read.contents.key?.toString(), 'KEY');
  t.equal(read.contents.certChain, undefined);
  t.same(read.unreadable, [
    { role: 'certChain', path: `${dir}/cert-chain.pem`, code: 'ENOENT' },
    { role: 'rootCert', path: `${dir}/root-cert.pem`, code: 'not-regular', reason: `${dir}/root-cert.pem is a directory, not a regular file; expected a regular file` },
  ]);
  const refused = read.unreadable[1]!;
  t.not(hashCertMaterial(read), hashCertMaterial({ ...read, unreadable: [read.unreadable[0]!, { role: refused.role, path: refused.path, code: 'ENOENT' }] }), 'a directory in place of a file is not the same state as no file');
  mkdirSync(`${dir}/more`);
  writeFileSync(`${dir}/more/c`, 'C');
  const again = await readCertMaterial({ certChain: `${dir}/more/c`, key: `${dir}/key.pem`, rootCert: `${dir}/more/c` });
  t.same(again.unreadable, []);
  t.equal(hashCertMaterial(again), hashCertMaterial({ ...again, contents: { certChain: Buffer.from('C'), key: Buffer.from('KEY'), rootCert: Buffer.from('C') } }));
});
