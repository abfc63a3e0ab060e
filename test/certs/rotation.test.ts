// Valid rotations, the ways files really change: each gives exactly one new epoch, with the final
// contents, and readiness never drops.
import t, { type Test } from 'tap';
import { setTimeout as pace } from 'node:timers/promises';
import { startAgent, type RunningAgent } from '../helpers/running-agent.js';
import { waitFor } from '../helpers/net.js';
import { leafFingerprint, setA, setB, setC } from '../fixtures/certs/pki.js';
import { SecretVolume, writeInPlace } from '../fixtures/certs/volume.js';

const starts = (agent: RunningAgent): number[] =>
  agent.events().filter((e) => e.event === 'start' && e.mode !== 'validate').map((e) => e.restartEpoch as number);

const applied = (agent: RunningAgent): string[] =>
  agent.logs.filter((l) => l.msg === 'certificates changed; hot-restarting envoy').map((l) => (l.leaf as { fingerprint256: string }).fingerprint256);

/** Start with set A in `dir` (written by `write`), wait until epoch 0 is LIVE with it loaded. */
async function agentWith(t: Test, env: Record<string, string> = {}) {
  const certDir = `${t.testdir({})}/certs`;
  const volume = new SecretVolume(certDir);
  volume.write(setA());
  const agent = await startAgent(t, { args: ['--certDir', certDir], env });
  await agent.waitForMsg('certificates loaded');
  await agent.waitForMsg('envoy is LIVE');
  return { agent, volume, certDir };
}

/** Stop the agent and return every epoch the stub saw start: counts, not clocks. */
async function stopAndCount(agent: RunningAgent): Promise<number[]> {
  agent.signal('SIGTERM');
  await agent.exited;
  return starts(agent);
}

t.test('a kubelet ..data swap hot-restarts into epoch 1 with the new files', async (t) => {
  const { agent, volume } = await agentWith(t);
  volume.write(setB());
  await agent.waitForMsg('hot restart complete: new epoch is LIVE');
  t.same(applied(agent), [leafFingerprint(setB())]);
  volume.write(setC()); // a chain with an intermediate, from the same root
  await agent.waitForMsg('hot restart complete: new epoch is LIVE', 2);
  t.same(applied(agent), [leafFingerprint(setB()), leafFingerprint(setC())]);
  t.same(await stopAndCount(agent), [0, 1, 2]);
});

t.test('in-place writes: a partial chain is rejected, the complete one applied — one restart, final contents', async (t) => {
  const certDir = `${t.testdir({})}/certs`;
  writeInPlace(certDir, setA());
  const agent = await startAgent(t, { args: ['--certDir', certDir] });
  await agent.waitForMsg('envoy is LIVE');
  // The watcher's first look must see set A: under load it can come after envoy is LIVE.
  await agent.waitForMsg('certificates loaded');
  const b = setB();
  // The key first, then half of the chain: the debounce ends on a set that cannot be used.
  writeInPlace(certDir, { 'key.pem': b['key.pem'], 'cert-chain.pem': b['cert-chain.pem'].slice(0, 300) });
  const rejected = await agent.waitForMsg('certificate change rejected; the running envoy keeps serving');
  t.match(rejected.reason, /cert-chain\.pem: the certificate begun on line 1 has no END line/);
  t.equal((await agent.get('/healthz/ready')).status, 200, 'still ready on the old epoch');
  writeInPlace(certDir, { 'cert-chain.pem': b['cert-chain.pem'] });
  await agent.waitForMsg('hot restart complete: new epoch is LIVE');
  t.same(applied(agent), [leafFingerprint(b)]);
  t.same(await stopAndCount(agent), [0, 1], 'exactly one restart');
});

t.test('a partial write completed within the debounce is never seen half-written', async (t) => {
  const { agent, certDir } = await agentWith(t, { FILE_DEBOUNCE_DURATION: '1s' });
  const b = setB();
  writeInPlace(certDir, { 'key.pem': b['key.pem'], 'cert-chain.pem': b['cert-chain.pem'].slice(0, 300) });
  writeInPlace(certDir, { 'cert-chain.pem': b['cert-chain.pem'] });
  await agent.waitForMsg('hot restart complete: new epoch is LIVE');
  t.same(applied(agent), [leafFingerprint(b)]);
  t.same(await stopAndCount(agent), [0, 1]);
  t.notOk(agent.logs.some((l) => l.msg === 'certificate change rejected; the running envoy keeps serving'));
});

t.test('a burst of 100 swaps between two valid sets gives one restart, onto the last one', async (t) => {
  // A long debounce so that a slow CI machine cannot open a gap inside the burst.
  const { agent, volume } = await agentWith(t, { FILE_DEBOUNCE_DURATION: '1s' });
  const sets = [setB(), setC()];
  for (let i = 0; i < 100; i++) volume.write(sets[i % 2]!);
  await agent.waitForMsg('hot restart complete: new epoch is LIVE');
  t.same(applied(agent), [leafFingerprint(setC())], 'set C was written last');
  t.same(await stopAndCount(agent), [0, 1]);
});

t.test('readiness polled every 20 ms stays 200 through a rotation, via envoy and via the status port', async (t) => {
  const { agent, volume } = await agentWith(t);
  const seen = { envoy: { probes: 0, bad: [] as string[] }, status: { probes: 0, bad: [] as string[] } };
  let rotating = true;
  const poll = async (via: 'envoy' | 'status'): Promise<void> => {
    while (rotating) {
      seen[via].probes += 1;
      const answer = await agent.get('/healthz/ready', via).then((r) => String(r.status), (e: Error) => e.message);
      if (answer !== '200') seen[via].bad.push(answer);
      await pace(20); // the probes' rate, not a wait for an outcome
    }
  };
  const polling = Promise.all([poll('envoy'), poll('status')]);
  // Counted probes, not elapsed time: some against epoch 0 alone, then some against epoch 1 alone.
  const probesEach = async (n: number): Promise<void> => {
    await waitFor(`${n} probes each way`, () => seen.envoy.probes >= n && seen.status.probes >= n, Infinity);
  };
  await probesEach(5);
  volume.write(setB());
  await agent.waitForMsg('previous envoy epoch exited after hot restart');
  await probesEach(Math.max(seen.envoy.probes, seen.status.probes) + 5);
  rotating = false;
  await polling;
  t.ok(seen.envoy.probes > 10 && seen.status.probes > 10, `probes: ${seen.envoy.probes} via envoy, ${seen.status.probes} via the status port`);
  t.same(seen.envoy.bad, [], 'no non-200 answer through envoy');
  t.same(seen.status.bad, [], 'no non-200 answer from the status port');
  t.same(await stopAndCount(agent), [0, 1]);
});
