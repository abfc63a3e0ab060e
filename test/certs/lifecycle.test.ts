// Certificate changes meeting the rest of the lifecycle: a drain, an initializing hot restart, and a
// MUTUAL_TLS start-up that has to wait for the secret volume.
import t from 'tap';
import { startAgent, type RunningAgent } from '../helpers/running-agent.js';
import { leafFingerprint, setA, setB, setC } from '../fixtures/certs/pki.js';
import { SecretVolume } from '../fixtures/certs/volume.js';

const starts = (agent: RunningAgent): number[] =>
  agent.events().filter((e) => e.event === 'start' && e.mode !== 'validate').map((e) => e.restartEpoch as number);

const applied = (agent: RunningAgent): string[] =>
  agent.logs.filter((l) => l.msg === 'certificates changed; hot-restarting envoy').map((l) => (l.leaf as { fingerprint256: string }).fingerprint256);

t.test('a rotation during the shutdown drain is ignored', async (t) => {
  const volume = new SecretVolume(`${t.testdir({})}/certs`);
  volume.write(setA());
  const agent = await startAgent(t, { args: ['--certDir', volume.dir], drain: '3s', parentShutdown: '5s' });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGTERM');
  await agent.waitForMsg('shutdown: draining envoy');
  volume.write(setB());
  const ignored = await agent.waitForMsg('reload ignored during shutdown');
  t.match(ignored, { reason: 'certificates changed', state: 'draining' });
  t.equal((await agent.exited).code, 0);
  t.same(starts(agent), [0], 'no new epoch');
});

t.test('rotations while a hot restart initializes are queued: one more epoch, with the newest files', async (t) => {
  const volume = new SecretVolume(`${t.testdir({})}/certs`);
  volume.write(setA());
  // Every epoch stays INITIALIZING for a while, so the second and third rotations land inside epoch 1's start.
  const agent = await startAgent(t, { args: ['--certDir', volume.dir], env: { ENVOY_STUB_LIVE_DELAY_MS: '2000' } });
  await agent.waitForMsg('envoy is LIVE');
  volume.write(setB());
  await agent.waitForMsg('hot restart: starting new epoch');
  volume.write(setC());
  const queued = await agent.waitForMsg('reload requested before envoy is LIVE; queued');
  t.equal(queued.reason, 'certificates changed');
  volume.write(setA());
  await agent.waitForMsg('certificates changed; hot-restarting envoy', 3);
  t.equal(agent.logs.filter((l) => l.msg === 'hot restart complete: new epoch is LIVE').length, 0, 'both arrived while epoch 1 initialized');
  await agent.waitForMsg('hot restart complete: new epoch is LIVE', 2);
  t.same(applied(agent), [setB(), setC(), setA()].map(leafFingerprint));
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.same(starts(agent), [0, 1, 2], 'the two queued rotations coalesced into epoch 2');
});

t.test('MUTUAL_TLS: envoy waits for the certificate files, then starts with them', async (t) => {
  const certDir = `${t.testdir({})}/certs`;
  const agent = await startAgent(t, { args: ['--certDir', certDir, '--controlPlaneAuthPolicy', 'MUTUAL_TLS'] });
  const waiting = await agent.waitForMsg('waiting for certificate files before starting envoy (MUTUAL_TLS)');
  t.same(waiting.missing, ['cert-chain.pem', 'key.pem', 'root-cert.pem'].map((f) => `${certDir}/${f}`));
  await agent.waitForMsg('still waiting for certificate files'); // the first of the doubling reminders
  t.same(starts(agent), [], 'envoy not started yet');
  t.equal((await agent.get('/healthz/ready')).status, 503, 'not ready while waiting');
  new SecretVolume(certDir).write(setA());
  await agent.waitForMsg('certificate files present');
  const loaded = await agent.waitForMsg('certificates loaded');
  t.equal((loaded.leaf as { fingerprint256: string }).fingerprint256, leafFingerprint(setA()));
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.same(starts(agent), [0]);
});

t.test('MUTUAL_TLS: SIGTERM while waiting for the files exits 0 without starting envoy', async (t) => {
  const agent = await startAgent(t, { args: ['--certDir', `${t.testdir({})}/certs`, '--controlPlaneAuthPolicy', 'MUTUAL_TLS'] });
  await agent.waitForMsg('waiting for certificate files before starting envoy (MUTUAL_TLS)');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.ok(agent.logs.some((l) => l.msg === 'stopped waiting for certificate files: shutting down'));
  t.same(starts(agent), []);
});

t.test('a bad FILE_DEBOUNCE_DURATION exits 2 with one line naming it', async (t) => {
  const agent = await startAgent(t, { env: { FILE_DEBOUNCE_DURATION: '100' } });
  t.equal((await agent.exited).code, 2);
  t.equal(agent.stderr, 'error: invalid value "100" for FILE_DEBOUNCE_DURATION: expected a Go duration from 0s to 596h, such as 100ms, 30s or 168h\n');
  t.same(starts(agent), []);
});
