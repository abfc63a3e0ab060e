// Material envoy could not use never reaches it: the running epoch keeps serving, the reason is
// logged, and the next change is judged afresh.
import t from 'tap';
import { startAgent, type RunningAgent } from '../helpers/running-agent.js';
import { certSet, fixture, leafFingerprint, setA, setB } from '../fixtures/certs/pki.js';
import { SecretVolume } from '../fixtures/certs/volume.js';

const rejected = 'certificate change rejected; the running envoy keeps serving';

const starts = (agent: RunningAgent): number[] =>
  agent.events().filter((e) => e.event === 'start' && e.mode !== 'validate').map((e) => e.restartEpoch as number);

t.test('garbage, a mismatched key, a foreign CA and an expired leaf are each rejected; envoy keeps serving', async (t) => {
  const volume = new SecretVolume(`${t.testdir({})}/certs`);
  volume.write(setA());
  const agent = await startAgent(t, { args: ['--certDir', volume.dir] });
  await agent.waitForMsg('envoy is LIVE');
  const cases = [
    { name: 'garbage chain', set: { ...setA(), 'cert-chain.pem': 'not a certificate\n' }, reason: /cert-chain\.pem: no PEM certificate in it/ },
    { name: 'truncated PEM body', set: { ...setA(), 'cert-chain.pem': fixture('leaf-a.pem').replace(/^(-----BEGIN CERTIFICATE-----\n.{20}).*?(\n-----END)/s, '$1$2') }, reason: /certificate 1 does not parse/ },
    { name: 'garbage key', set: { ...setA(), 'key.pem': '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }, reason: /key\.pem: not a PEM private key/ },
    { name: 'empty key', set: { ...setA(), 'key.pem': '' }, reason: /key\.pem: empty file/ },
    { name: 'mismatched key', set: certSet('leaf-a.pem', 'leaf-b.key'), reason: /key\.pem does not match the leaf certificate \(O=test, CN=leaf-a\)/ },
    { name: 'leaf from another CA', set: certSet('other-leaf.pem', 'other-leaf.key'), reason: /does not verify against .*root-cert\.pem: O=other, CN=Other Root CA is not among its certificates/ },
    { name: 'expired leaf', set: certSet('expired.pem', 'expired.key'), reason: /leaf \(CN=expired, O=test\) in .* expired at 2001-01-01T00:00:00\.000Z/ },
    { name: 'leaf not valid yet', set: certSet('not-yet-valid.pem', 'not-yet-valid.key'), reason: /is not valid before 2090-01-01/ },
    { name: 'key file missing', set: { 'cert-chain.pem': fixture('leaf-b.pem'), 'root-cert.pem': fixture('root-ca.pem') }, reason: /cannot read .*key\.pem \(ENOENT\)/ },
  ];
  for (const [i, c] of cases.entries()) {
    volume.write(c.set);
    const line = await agent.waitForMsg(rejected, i + 1);
    t.match(line.reason, c.reason, c.name);
    t.equal((await agent.get('/healthz/ready')).status, 200, `${c.name}: still ready`);
    t.equal((await agent.get('/healthz/ready', 'envoy')).status, 200, `${c.name}: envoy still serves`);
  }
  t.equal(agent.logs.filter((l) => l.msg === 'reload requested').length, 0, 'no reload was requested');

  // Back to the files envoy runs with: nothing to restart. Then a valid new set: one restart.
  volume.write(setA());
  await agent.waitForMsg('certificate files touched but their contents are the ones envoy runs with; nothing to do');
  volume.write(setB());
  const applied = await agent.waitForMsg('certificates changed; hot-restarting envoy');
  t.equal((applied.leaf as { fingerprint256: string }).fingerprint256, leafFingerprint(setB()));
  await agent.waitForMsg('hot restart complete: new epoch is LIVE');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.same(starts(agent), [0, 1], 'only the valid set restarted envoy');
});

t.test('files missing at start: envoy starts without them, and restarts once they appear valid', async (t) => {
  const certDir = `${t.testdir({})}/not-yet/certs`; // not even the directory exists
  const agent = await startAgent(t, { args: ['--certDir', certDir], env: { CERT_REHASH_INTERVAL: '200ms' } });
  await agent.waitForMsg('certificate files not present; envoy starts without them and restarts once they appear and are valid');
  await agent.waitForMsg('envoy is LIVE');
  const volume = new SecretVolume(certDir);
  volume.write(certSet('leaf-a.pem', 'leaf-b.key')); // they appear, but do not match
  t.match((await agent.waitForMsg(rejected)).reason, /does not match/);
  volume.write(setA());
  await agent.waitForMsg('hot restart complete: new epoch is LIVE');
  volume.write(setB()); // and once there, they are watched like any other
  await agent.waitForMsg('hot restart complete: new epoch is LIVE', 2);
  agent.signal('SIGTERM');
  await agent.exited;
  t.same(starts(agent), [0, 1, 2]);
  t.equal(agent.logs.filter((l) => l.msg === rejected).length, 1, 'the absence itself is not reported as a rejection, every period');
});
