// The watcher in-process, with real files and chokidar, and a recorder in place of the supervisor:
// the paths the black-box tests cannot steer (lost events, the clock, metrics, stop).
import { rmSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { CertWatcher } from '../../src/certs/watcher.js';
import { validateCertMaterial } from '../../src/certs/validate.js';
import type { CertWatchSettings } from '../../src/config/cert-watch.js';
import { metrics } from '../../src/metrics/registry.js';
import { fixture, leafFingerprint, setA, setB, type CertSet } from '../fixtures/certs/pki.js';
import { writeInPlace } from '../fixtures/certs/volume.js';
import { waitFor as poll } from '../helpers/net.js';

interface Line {
  readonly msg: string;
  readonly level: number;
  readonly [k: string]: unknown;
}

function harness(t: Test, settings: Partial<CertWatchSettings> = {}, now?: () => number, validate?: typeof validateCertMaterial) {
  // Registered before the test dir, so the watcher stops before tap removes the files under it.
  t.teardown(() => watcher.stop());
  const dir = t.testdir({});
  const lines: Line[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  const reloads: string[] = [];
  const files = { certChain: `${dir}/cert-chain.pem`, key: `${dir}/key.pem`, rootCert: `${dir}/root-cert.pem` };
  const watcher = new CertWatcher({
    files,
    settings: { debounceMs: 20, rehashIntervalMs: 0, expiryWarningMs: 0, startupWaitMs: 0, ...settings },
    log,
    onValidChange: (reason) => void reloads.push(reason),
    ...(now ? { now } : {}),
    ...(validate ? { validate } : {}),
  });
  const waitFor = async (msg: string, n = 1): Promise<Line> => {
    return poll(`${n}. "${msg}" log line`, () => lines.filter((l) => l.msg === msg)[n - 1], 30_000, 10).catch((e: Error) => {
      throw new Error(`${e.message}; last: ${JSON.stringify(lines.slice(-3))}`);
    });
  };
  return { dir, files, lines, reloads, watcher, waitFor, write: (set: Partial<CertSet>) => writeInPlace(dir, set) };
}

const count = async (result: string): Promise<number> => (await metrics.certReloads.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

t.test('a valid change asks for one reload, counts it and exports the new expiry', async (t) => {
  const h = harness(t);
  h.write(setA());
  await h.watcher.start();
  t.match(h.lines.find((l) => l.msg === 'certificates loaded'), { leaf: { fingerprint256: leafFingerprint(setA()) } });
  const before = await count('applied');
  h.write(setB());
  const applied = await h.waitFor('certificates changed; hot-restarting envoy');
  t.match(applied, { trigger: 'event', leaf: { subject: 'O=test, CN=leaf-b' } });
  t.same(h.reloads, ['certificates changed']);
  t.equal(await count('applied'), before + 1);
  const expiry = (await metrics.certExpiry.get()).values.find((v) => v.labels.file === h.files.certChain);
  t.equal(expiry?.value, Math.floor(Date.parse(new (await import('node:crypto')).X509Certificate(setB()['cert-chain.pem']).validTo) / 1000));
});

t.test('the same contents written again are "unchanged"; a rejected set touched again is not re-counted', async (t) => {
  const h = harness(t);
  h.write(setA());
  await h.watcher.start();
  const unchanged = await count('unchanged');
  const invalid = await count('invalid');
  h.write({ 'key.pem': fixture('leaf-a.key') });
  await h.waitFor('certificate files touched but their contents are the ones envoy runs with; nothing to do');
  h.write({ 'key.pem': 'garbage' });
  await h.waitFor('certificate change rejected; the running envoy keeps serving');
  h.write({ 'key.pem': 'garbage' });
  await h.waitFor('certificate files touched; still the rejected contents');
  t.equal(await count('unchanged'), unchanged + 2);
  t.equal(await count('invalid'), invalid + 1);
  t.same(h.reloads, []);
});

t.test('the periodic re-hash finds a change whose events never arrived', async (t) => {
  // A debounce far longer than the test: file events alone would never lead to a check.
  const { c, now } = countingJudge();
  const h = harness(t, { debounceMs: 3_600_000, rehashIntervalMs: 30 }, now);
  h.write(setA());
  await h.watcher.start();
  h.write(setB());
  t.match(await h.waitFor('certificates changed; hot-restarting envoy'), { trigger: 'rehash' });
  h.write({ 'key.pem': 'garbage' });
  await h.waitFor('certificate change rejected; the running envoy keeps serving');
  // Several more periods over the same rejected set, counted by the clock each one reads.
  const checks = c.checks;
  await until(() => c.checks >= checks + 3);
  t.same(h.reloads, ['certificates changed']);
  t.equal(h.lines.filter((l) => l.msg === 'certificate change rejected; the running envoy keeps serving').length, 1, 'said once, not every period');
});

t.test('a deleted file is re-armed: its return is seen through events', async (t) => {
  const h = harness(t);
  h.write(setA());
  await h.watcher.start();
  rmSync(h.files.key);
  t.match(await h.waitFor('certificate change rejected; the running envoy keeps serving'), { reason: /key\.pem \(ENOENT\)/ });
  h.write(setB());
  await h.waitFor('certificates changed; hot-restarting envoy');
  writeFileSync(h.files.key, 'garbage'); // the re-armed path keeps reporting in-place writes
  await h.waitFor('certificate change rejected; the running envoy keeps serving', 2);
  t.same(h.reloads, ['certificates changed']);
});

t.test('files missing at start are found when they appear, without the re-hash', async (t) => {
  const h = harness(t);
  await h.watcher.start();
  t.ok(h.lines.some((l) => l.msg === 'certificate files not present; envoy starts without them and restarts once they appear and are valid'));
  h.write(setA());
  t.match(await h.waitFor('certificates changed; hot-restarting envoy'), { trigger: 'event', leaf: { subject: 'O=test, CN=leaf-a' } });
  h.write(setB()); // armed now: in-place writes are events
  await h.waitFor('certificates changed; hot-restarting envoy', 2);
  t.same(h.reloads, ['certificates changed', 'certificates changed']);
});

t.test('expiry: a warning inside the window, an error once expired, each said once', async (t) => {
  let clock = Date.now();
  let reads = 0; // each re-hash of the applied files reads the clock once, for the expiry check
  const h = harness(t, { expiryWarningMs: 200 * 365 * 86_400_000, rehashIntervalMs: 20 }, () => (reads++, clock));
  h.write(setA());
  await h.watcher.start();
  const soon = h.lines.filter((l) => l.msg === 'certificate expires soon');
  t.same(soon.map((l) => l.file), [h.files.certChain, h.files.rootCert], 'both files, at load');
  t.type(soon[0]?.expiresInMs, 'number', 'durations in the log are milliseconds, as numbers');
  t.type(soon[0]?.notAfter, 'number', 'times in the log are epoch milliseconds, as pino\'s own time');
  clock = Date.parse('2200-01-01');
  await h.waitFor('certificate has expired; TLS with it fails until the files are renewed', 2);
  const after = reads;
  await until(() => reads >= after + 3); // several more periods
  t.equal(h.lines.filter((l) => l.msg.startsWith('certificate has expired')).length, 2, 'once per file');
  t.equal(h.lines.filter((l) => l.msg === 'certificate expires soon').length, 2);
  t.same(h.reloads, []);
});

t.test('invalid at start is reported; stop() ends the watching', async (t) => {
  const h = harness(t);
  h.write({ ...setA(), 'key.pem': fixture('leaf-b.key') });
  await h.watcher.start();
  t.match(h.lines.find((l) => l.msg === 'certificate files at start are invalid; envoy starts anyway and restarts once they are valid'), { reason: /does not match/ });
  await h.watcher.stop();
  // A witness on the same files with a longer debounce: its reload comes after the one the stopped
  // watcher would have asked for, had it still been watching.
  const witnessed: string[] = [];
  const witness = new CertWatcher({
    files: h.files,
    settings: { debounceMs: 300, rehashIntervalMs: 0, expiryWarningMs: 0, startupWaitMs: 0 },
    log: pino({ level: 'silent' }),
    onValidChange: (reason) => void witnessed.push(reason),
  });
  t.teardown(() => witness.stop());
  await witness.start();
  h.write(setB());
  await until(() => witnessed.length === 1);
  t.same(h.reloads, [], 'nothing after stop');
  await witness.stop();
});

/** Waits until `done` holds, checking every 10 ms (an event count, never a duration, decides). */
async function until(done: () => boolean): Promise<void> {
  await poll('the condition', done, 30_000, 10);
}

/** A clock that counts its readings: the watcher reads it once per check of contents it has not applied. */
function countingJudge() {
  const c = { clock: Date.now(), checks: 0, judged: 0 };
  const now = (): number => (c.checks++, c.clock);
  const validate: typeof validateCertMaterial = (material, at) => (c.judged++, validateCertMaterial(material, at));
  return { c, now, validate };
}

const manyBegins = '-----BEGIN CERTIFICATE-----\n'.repeat(30_000);

t.test('contents already rejected are not parsed again at every re-hash', async (t) => {
  const { c, now, validate } = countingJudge();
  const h = harness(t, { rehashIntervalMs: 10 }, now, validate);
  h.write(setA());
  await h.watcher.start();
  h.write({ 'cert-chain.pem': manyBegins });
  t.match(await h.waitFor('certificate change rejected; the running envoy keeps serving'), { reason: /cert-chain\.pem: the certificate begun on line 1 has no END line/ });
  const judged = c.judged;
  const checks = c.checks;
  await until(() => c.checks >= checks + 5);
  t.equal(c.judged, judged, 'five re-hashes of the same bytes, no new judgement');
  h.write(setB()); // new contents are judged afresh
  await h.waitFor('certificates changed; hot-restarting envoy');
  t.ok(c.judged > judged, 'judged afresh');
});

t.test('a certificate not valid yet is judged again once its notBefore has passed', async (t) => {
  const { c, now, validate } = countingJudge();
  const h = harness(t, { rehashIntervalMs: 10 }, now, validate);
  // Written before the watcher starts, so no file event is in flight: a late one (a busy machine delays
  // chokidar's) would re-judge too, and this test is about the re-hash doing it.
  h.write({ ...setA(), 'cert-chain.pem': fixture('not-yet-valid.pem'), 'key.pem': fixture('not-yet-valid.key') });
  await h.watcher.start();
  t.match(await h.waitFor('certificate files at start are invalid; envoy starts anyway and restarts once they are valid'), { reason: /is not valid before 2090-01-01/ });
  const judged = c.judged;
  const checks = c.checks;
  await until(() => c.checks >= checks + 3);
  t.equal(c.judged, judged, 'not re-parsed while the verdict holds');
  c.clock = Date.parse('2090-06-01');
  t.match(await h.waitFor('certificates changed; hot-restarting envoy'), { trigger: 'rehash', leaf: { subject: /CN=not-yet-valid/ } });
});
