// The CA client's decisions in-process, on a manual clock: when it rotates (the grace ratio of the lifetime), how it
// backs off after CA failures (doubling, capped, jittered), what readiness is told meanwhile; and the identity and
// settings it derives from the injected environment. Plus one real issuance against the local CA (tools/ca-server).
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import t from 'tap';
import { issueCertificate, type IssuedCertificate } from '../../src/ca/issue.js';
import { workloadIdentity } from '../../src/ca/identity.js';
import { backoffDelay, CertificateRotation, rotationDue } from '../../src/ca/rotation.js';
import { chooseCertSource } from '../../src/ca/source.js';
import { readCaClientSettings } from '../../src/config/ca-client.js';
import { fakeServiceAccountToken, startCaServer } from '../../tools/ca-server/src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

const silent = pino({ level: 'silent' });
const ctx = { discoveryAddress: { host: 'istiod.istio-system.svc', port: 15012 }, certDir: '/etc/certs', trustDomain: 'cluster.local' };

function cert(serial: string, receivedAt: number, lifetimeMs: number): IssuedCertificate {
  return { chain: ['leaf', 'root'], keyPem: 'key', identity: 'spiffe://x', serial, receivedAt, notAfter: receivedAt + lifetimeMs };
}

t.test('rotation is due when the grace ratio of the lifetime is left', async (t) => {
  t.equal(rotationDue(cert('1', 1_000, 10_000), 0.5), 6_000);
  t.equal(rotationDue(cert('1', 1_000, 10_000), 0.25), 8_500);
});

t.test('back-off doubles from the initial delay to the cap, keeping between half and all of it', async (t) => {
  const b = { initialMs: 250, maxMs: 30_000 };
  t.same([1, 2, 3, 4].map((n) => backoffDelay(n, b, () => 0.999999)), [250, 500, 1000, 2000]);
  t.same([1, 2, 3, 4].map((n) => backoffDelay(n, b, () => 0)), [125, 250, 500, 1000]);
  t.equal(backoffDelay(40, b, () => 1), 30_000, 'capped');
});

t.test('failures back off and keep readiness at the reason; the certificate then rotates at the grace period', async (t) => {
  const clock = new ManualClock();
  const outcomes: (Error | number)[] = [new Error('CA down'), new Error('CA still down'), 10_000, new Error('CA down at rotation'), 10_000];
  const calls: number[] = [];
  const issued: string[] = [];
  const rotation = new CertificateRotation({
    issue: async () => {
      calls.push(clock.now());
      const next = outcomes.shift()!;
      if (next instanceof Error) throw next;
      return cert(`s${calls.length}`, clock.now(), next);
    },
    onIssued: (c) => issued.push(c.serial),
    graceRatio: 0.5,
    clock,
    log: silent,
    random: () => 1,
  });
  t.teardown(() => rotation.stop());
  rotation.start();
  await clock.advance(0);
  t.match(rotation.notReadyReason(), /^no workload certificate yet: CA down$/);
  await clock.advance(250);
  t.match(rotation.notReadyReason(), /CA still down/);
  await clock.advance(499);
  t.equal(calls.length, 2, 'the second back-off is twice the first');
  await clock.advance(1);
  t.same(issued, ['s3']);
  t.equal(rotation.notReadyReason(), undefined, 'ready once a certificate is held');
  t.same(calls, [0, 250, 750]);
  await clock.advance(4_999);
  t.equal(calls.length, 3, 'not before half the lifetime');
  await clock.advance(1);
  t.equal(calls.length, 4, 'rotation at half the lifetime');
  t.equal(rotation.notReadyReason(), undefined, 'a failed rotation leaves the valid certificate serving');
  await clock.advance(250);
  t.same(issued, ['s3', 's5'], 'the retry after the back-off gets the next certificate');
});

t.test('an expired certificate whose renewal keeps failing makes readiness say so', async (t) => {
  const clock = new ManualClock();
  let first = true;
  const rotation = new CertificateRotation({
    issue: async () => {
      if (!first) throw new Error('CA unreachable');
      first = false;
      return cert('s1', clock.now(), 1_000);
    },
    onIssued: () => {},
    graceRatio: 0.5,
    clock,
    log: silent,
    backoff: { initialMs: 10_000, maxMs: 10_000 },
  });
  t.teardown(() => rotation.stop());
  rotation.start();
  await clock.advance(1_000);
  t.match(rotation.notReadyReason(), /^workload certificate expired at .*; renewing failed: CA unreachable$/);
});

t.test('the identity comes from the token\'s sub, else from POD_NAMESPACE and SERVICE_ACCOUNT', async (t) => {
  const env = { namespace: 'test', serviceAccount: 'from-env' };
  t.equal(workloadIdentity(fakeServiceAccountToken('bookinfo', 'productpage'), 'cluster.local', env), 'spiffe://cluster.local/ns/bookinfo/sa/productpage');
  t.equal(workloadIdentity('not-a-jwt', 'example.org', env), 'spiffe://example.org/ns/test/sa/from-env');
  t.equal(workloadIdentity('not-a-jwt', 'cluster.local', { namespace: 'test', serviceAccount: '' }), undefined);
});

t.test('settings follow JWT_POLICY, PILOT_CERT_PROVIDER and CA_ADDR as Istio 1.5 read them', async (t) => {
  t.equal(readCaClientSettings(ctx, { JWT_POLICY: 'none' }), undefined, 'a JWT_POLICY naming no token: no CA client');
  const s = readCaClientSettings(ctx, {})!;
  t.match(s, { jwtPolicy: 'third-party-jwt', tokenPath: './var/run/secrets/tokens/istio-token', rootCertPath: './var/run/secrets/istio/root-cert.pem', serverName: 'istiod.istio-system.svc', address: ctx.discoveryAddress, ttlMs: 86_400_000, graceRatio: 0.5 });
  const k = readCaClientSettings(ctx, { JWT_POLICY: 'first-party-jwt', PILOT_CERT_PROVIDER: 'kubernetes', CA_ADDR: 'localhost:15012' })!;
  t.match(k, { tokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token', rootCertPath: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', serverName: 'istiod.istio-system.svc' });
  t.equal(readCaClientSettings(ctx, { JWT_POLICY: 'third-party-jwt', PILOT_CERT_PROVIDER: 'custom' })!.rootCertPath, '/etc/certs/root-cert.pem');
  t.equal(readCaClientSettings(ctx, { JWT_POLICY: 'third-party-jwt', CA_ADDR: 'istiod.istio-system.svc:15010' })!.rootCertPath, undefined, ':15010 is plaintext');
  t.throws(() => readCaClientSettings(ctx, { JWT_POLICY: 'third-party-jwt', SECRET_GRACE_PERIOD_RATIO: '1.5' }), /SECRET_GRACE_PERIOD_RATIO: expected a fraction/);
  t.throws(() => readCaClientSettings(ctx, { JWT_POLICY: 'third-party-jwt', PILOT_CERT_PROVIDER: 'vault' }), /PILOT_CERT_PROVIDER: expected istiod, kubernetes or custom/);
});

t.test('mounted certificate files win over the CA; without the token, or with restart delivery, there is no CA client', async (t) => {
  const dir = t.testdir({ 'cert-chain.pem': 'x', 'key.pem': 'y', 'istio-token': 'jwt' });
  const ca = readCaClientSettings(ctx, { JWT_POLICY: 'third-party-jwt', CA_TOKEN_FILE: `${dir}/istio-token` });
  const files = (d: string) => ({ certChain: `${d}/cert-chain.pem`, key: `${d}/key.pem`, rootCert: `${d}/root-cert.pem` });
  t.equal(chooseCertSource({ certDelivery: 'sds', certFiles: files(dir) }, ca).kind, 'files');
  t.equal(chooseCertSource({ certDelivery: 'sds', certFiles: files(`${dir}/none`) }, ca).kind, 'ca');
  t.equal(chooseCertSource({ certDelivery: 'restart', certFiles: files(`${dir}/none`) }, ca).kind, 'files');
  t.equal(chooseCertSource({ certDelivery: 'sds', certFiles: files(`${dir}/none`) }, undefined).kind, 'files');
  const tokenless = readCaClientSettings(ctx, { JWT_POLICY: 'third-party-jwt', CA_TOKEN_FILE: `${dir}/no-token` });
  t.match(chooseCertSource({ certDelivery: 'sds', certFiles: files(`${dir}/none`) }, tokenless), { kind: 'files', why: /no token at .*no-token/ });
});

t.test('one issuance against the local CA: an RSA 2048 key, the SPIFFE URI SAN in the CSR and the certificate', async (t) => {
  const token = fakeServiceAccountToken('test', 'app');
  const ca = await startCaServer({ token });
  t.teardown(() => ca.close());
  const dir = mkdtempSync(`${tmpdir()}/ca-issue-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(`${dir}/token`, token);
  writeFileSync(`${dir}/root.pem`, ca.rootPem);
  const settings = readCaClientSettings(ctx, { JWT_POLICY: 'third-party-jwt', CA_ADDR: `localhost:${ca.port}`, CA_TOKEN_FILE: `${dir}/token`, CA_ROOT_CERT_FILE: `${dir}/root.pem`, SECRET_TTL: '1h' })!;
  const issued = await issueCertificate(settings, Date.now);
  const leaf = new X509Certificate(issued.chain[0]!);
  t.equal(leaf.subjectAltName, 'URI:spiffe://cluster.local/ns/test/sa/app');
  t.equal(issued.chain[issued.chain.length - 1], ca.rootPem, 'the root is the last element');
  t.match(issued.keyPem, /^-----BEGIN RSA PRIVATE KEY-----/, 'PKCS#1, as 1.5');
  t.equal(leaf.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  t.match(ca.requests, [{ authorization: `Bearer ${token}`, csrSans: ['url:spiffe://cluster.local/ns/test/sa/app'], validitySeconds: 3600, answer: 'OK' }]);
});
