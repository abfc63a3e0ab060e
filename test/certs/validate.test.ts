import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import t from 'tap';
import type { CertMaterial, CertRole } from '../../src/certs/material.js';
import { validateCertMaterial } from '../../src/certs/validate.js';
import { fixture } from '../fixtures/certs/pki.js';

const files = { certChain: '/c/cert-chain.pem', key: '/c/key.pem', rootCert: '/c/root-cert.pem' };

/** Material as the reader would produce it; `undefined` contents mean ENOENT unless a code is given. */
function material(chain: string | undefined, key: string | undefined, root: string | undefined, codes: Partial<Record<CertRole, string>> = {}): CertMaterial {
  const given = { certChain: chain, key, rootCert: root };
  const unreadable = (['certChain', 'key', 'rootCert'] as const)
    .filter((r) => given[r] === undefined)
    .map((role) => ({ role, path: files[role], code: codes[role] ?? 'ENOENT' }));
  return {
    files,
    contents: { certChain: chain === undefined ? undefined : Buffer.from(chain), key: key === undefined ? undefined : Buffer.from(key), rootCert: root === undefined ? undefined : Buffer.from(root) },
    unreadable,
  };
}

const f = fixture;
const notAfter = (name: string): number => Date.parse(new X509Certificate(f(name)).validTo);
const reason = (m: CertMaterial, now?: number): string => {
  const v = validateCertMaterial(m, now);
  return v.ok ? 'ok' : v.reason;
};

t.test('a leaf, its key and its root: valid, with the leaf and both files expiries', async (t) => {
  const v = validateCertMaterial(material(f('leaf-a.pem'), f('leaf-a.key'), f('root-ca.pem')));
  t.ok(v.ok);
  if (!v.ok) return;
  const leaf = new X509Certificate(f('leaf-a.pem'));
  t.same(v.leaf, { subject: 'O=test, CN=leaf-a', serialNumber: leaf.serialNumber, fingerprint256: leaf.fingerprint256, notAfter: notAfter('leaf-a.pem') });
  t.same(v.expiries, [
    { role: 'certChain', path: files.certChain, notAfter: notAfter('leaf-a.pem') },
    { role: 'rootCert', path: files.rootCert, notAfter: notAfter('root-ca.pem') },
  ]);
});

t.test('chains through an intermediate', async (t) => {
  t.equal(reason(material(f('leaf-c-chain.pem'), f('leaf-c.key'), f('root-ca.pem'))), 'ok', 'leaf + intermediate, root file');
  t.equal(reason(material(f('leaf-c-chain.pem') + f('root-ca.pem'), f('leaf-c.key'), f('root-ca.pem'))), 'ok', 'the root repeated at the end of the chain');
  t.equal(reason(material(f('leaf-c.pem'), f('leaf-c.key'), f('other-ca.pem') + f('root-ca.pem') + f('intermediate-ca.pem'))), 'ok', 'the intermediate in the root bundle');
  t.equal(reason(material(f('leaf-c.pem'), f('leaf-c.key'), f('root-ca.pem'))), `${files.certChain} does not verify against ${files.rootCert}: O=test, CN=Test Intermediate CA is not among its certificates`, 'the intermediate missing');
  t.equal(reason(material(f('leaf-c.pem') + f('root-ca.pem'), f('leaf-c.key'), f('root-ca.pem'))), `${files.certChain}: certificate 1 is not issued by certificate 2`, 'a chain that skips a link');
  const v = validateCertMaterial(material(f('leaf-c-chain.pem'), f('leaf-c.key'), f('root-ca.pem')));
  t.equal(v.ok && v.expiries[0]!.notAfter, Math.min(notAfter('leaf-c.pem'), notAfter('intermediate-ca.pem')), 'the chain file expires with its first certificate to expire');
});

t.test('without a root file the chain is not anchored, and that is allowed', async (t) => {
  const v = validateCertMaterial(material(f('other-leaf.pem'), f('other-leaf.key'), undefined));
  t.ok(v.ok);
  t.same(v.ok && v.expiries.map((e) => e.role), ['certChain']);
});

t.test('each way material is unusable has its own reason', async (t) => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cases: Array<[string, CertMaterial, string | RegExp]> = [
    ['chain missing', material(undefined, f('leaf-a.key'), f('root-ca.pem')), `cannot read ${files.certChain} (ENOENT)`],
    ['key missing', material(f('leaf-a.pem'), undefined, f('root-ca.pem')), `cannot read ${files.key} (ENOENT)`],
    ['root unreadable (not merely absent)', material(f('leaf-a.pem'), f('leaf-a.key'), undefined, { rootCert: 'EISDIR' }), `cannot read ${files.rootCert} (EISDIR)`],
    ['empty chain', material('', f('leaf-a.key'), f('root-ca.pem')), `${files.certChain}: no PEM certificate in it`],
    ['a key where the chain should be', material(f('leaf-a.key'), f('leaf-a.key'), f('root-ca.pem')), `${files.certChain}: no PEM certificate in it`],
    ['second certificate corrupt', material(f('leaf-a.pem') + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', f('leaf-a.key'), f('root-ca.pem')), new RegExp(`^${files.certChain}: certificate 2 does not parse`)],
    ['empty key', material(f('leaf-a.pem'), '\n', f('root-ca.pem')), `${files.key}: empty file`],
    ['garbage key', material(f('leaf-a.pem'), 'garbage', f('root-ca.pem')), new RegExp(`^${files.key}: not a PEM private key`)],
    ['the other leaf key', material(f('leaf-a.pem'), f('leaf-b.key'), f('root-ca.pem')), `${files.key} does not match the leaf certificate (O=test, CN=leaf-a) in ${files.certChain}`],
    ['an RSA key for an EC certificate', material(f('leaf-a.pem'), rsa, f('root-ca.pem')), /does not match the leaf certificate/],
    ['garbage root', material(f('leaf-a.pem'), f('leaf-a.key'), 'garbage'), `${files.rootCert}: no PEM certificate in it`],
    ['another CA', material(f('leaf-a.pem'), f('leaf-a.key'), f('other-ca.pem')), /does not verify against .*: O=test, CN=Test Root CA is not among its certificates/],
    ['expired', material(f('expired.pem'), f('expired.key'), f('root-ca.pem')), `leaf (CN=expired, O=test) in ${files.certChain} expired at 2001-01-01T00:00:00.000Z`],
    ['not yet valid', material(f('not-yet-valid.pem'), f('not-yet-valid.key'), f('root-ca.pem')), `leaf (CN=not-yet-valid, O=test) in ${files.certChain} is not valid before 2090-01-01T00:00:00.000Z`],
  ];
  for (const [name, m, expected] of cases) t.match(reason(m), expected, name);
});

t.test('validity is judged at the time given', async (t) => {
  const a = material(f('leaf-a.pem'), f('leaf-a.key'), f('root-ca.pem'));
  t.match(reason(a, notAfter('leaf-a.pem') + 1000), /leaf \(O=test, CN=leaf-a\) in .* expired at/);
  t.match(reason(material(f('leaf-c-chain.pem'), f('leaf-c.key'), f('root-ca.pem')), Date.parse('1999-01-01')), /leaf .* is not valid before/);
  t.equal(reason(material(f('not-yet-valid.pem'), f('not-yet-valid.key'), f('root-ca.pem')), Date.parse('2100-01-01')), 'ok');
});

t.test('absent: chain or key missing, as opposed to holding something bad', async (t) => {
  const absent = (m: CertMaterial): boolean | undefined => {
    const v = validateCertMaterial(m);
    return v.ok ? undefined : v.absent;
  };
  t.equal(absent(material(undefined, undefined, undefined)), true, 'nothing there');
  t.equal(absent(material(f('leaf-a.pem'), undefined, f('root-ca.pem'))), true, 'key not there yet');
  t.equal(absent(material(f('leaf-a.pem'), undefined, f('root-ca.pem'), { key: 'EACCES' })), false, 'unreadable is not absent');
  t.equal(absent(material('garbage', f('leaf-a.key'), f('root-ca.pem'))), false, 'bad contents are not absent');
});
