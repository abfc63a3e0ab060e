// Certificate files that are not files: a directory, a FIFO, a symlink to /dev/zero, a file far too big,
// and a PEM file built to be slow to split. Each is rejected with its reason while envoy keeps its
// epoch and the agent keeps answering; the next valid rotation still applies, and SIGTERM still ends it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { startAgent, type RunningAgent } from '../helpers/running-agent.js';
import { waitFor } from '../helpers/net.js';
import { leafFingerprint, setA, setB } from '../fixtures/certs/pki.js';
import { SecretVolume } from '../fixtures/certs/volume.js';

const rejected = 'certificate change rejected; the running envoy keeps serving';

const starts = (agent: RunningAgent): number[] =>
  agent.events().filter((e) => e.event === 'start' && e.mode !== 'validate').map((e) => e.restartEpoch as number);

async function rotateToB(t: Test, agent: RunningAgent, volume: SecretVolume): Promise<void> {
  volume.write(setB());
  const applied = await agent.waitForMsg('certificates changed; hot-restarting envoy');
  t.equal((applied.leaf as { fingerprint256: string }).fingerprint256, leafFingerprint(setB()), 'the valid rotation after them is applied');
  await agent.waitForMsg('hot restart complete: new epoch is LIVE');
}

t.test('a directory, a 5 MiB file, a FIFO and a symlink to /dev/zero are each rejected; envoy keeps serving', async (t) => {
  const volume = new SecretVolume(`${t.testdir({})}/certs`);
  volume.write(setA());
  const agent = await startAgent(t, { args: ['--certDir', volume.dir] });
  await agent.waitForMsg('envoy is LIVE');
  const cases = [
    { name: 'a directory', file: 'cert-chain.pem', make: (p: string) => mkdirSync(p), is: 'is a directory, not a regular file; expected a regular file' },
    { name: 'a 5 MiB file', file: 'cert-chain.pem', make: (p: string) => writeFileSync(p, Buffer.alloc(5 * 1024 * 1024, 'A')), is: 'holds 5242880 bytes; expected a file of at most 1048576 bytes' },
    // A blocking open of a FIFO with no writer never returns: it would hold one of libuv's 4 threads for good.
    { name: 'a FIFO', file: 'key.pem', make: (p: string) => void execFileSync('mkfifo', [p]), is: 'is a FIFO (named pipe), not a regular file; expected a regular file' },
    // Read to its end, /dev/zero never ends: the agent grew to 8 GB.
    { name: 'a symlink to /dev/zero', file: 'root-cert.pem', make: (p: string) => symlinkSync('/dev/zero', p), is: 'is a character device, not a regular file; expected a regular file' },
  ];
  for (const [i, c] of cases.entries()) {
    volume.write({ ...setA(), [c.file]: c.make });
    const line = await agent.waitForMsg(rejected, i + 1);
    t.equal(line.reason, `${volume.dir}/${c.file} ${c.is}`, c.name);
    t.equal((await agent.get('/healthz/ready')).status, 200, `${c.name}: still ready`);
  }
  t.same(starts(agent), [0], 'no new epoch for any of them');
  await rotateToB(t, agent, volume);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.same(starts(agent), [0, 1]);
});

t.test('800 KB of BEGIN lines with no END is rejected while readiness keeps answering, re-hash after re-hash', async (t) => {
  const volume = new SecretVolume(`${t.testdir({})}/certs`);
  volume.write(setA());
  const agent = await startAgent(t, { args: ['--certDir', volume.dir], env: { CERT_REHASH_INTERVAL: '100ms' } });
  await agent.waitForMsg('envoy is LIVE');
  // Readiness asked back to back from before the write until well after it: an event loop blocked by the
  // split (8.6 s per judgement with the old regex) shows as a request that never gets its answer.
  const answers: Array<number | string> = [];
  let polling = true;
  const poll = (async () => {
    while (polling) answers.push(await agent.get('/healthz/ready').then((r) => r.status, (e: Error) => e.message));
  })();
  volume.write({ ...setA(), 'cert-chain.pem': '-----BEGIN CERTIFICATE-----\n'.repeat(Math.ceil(800_000 / 28)) });
  t.match((await agent.waitForMsg(rejected)).reason, /cert-chain\.pem: the certificate begun on line 1 has no END line before the next BEGIN on line 2/);
  const after = answers.length;
  // Fifty more answers, over several re-hashes (or the first that is not a 200).
  await waitFor('fifty more answers, or one that is not 200', () => answers.length >= after + 50 || answers.some((a) => a !== 200), Infinity, 10);
  polling = false;
  await poll;
  t.same([...new Set(answers)], [200], `all ${answers.length} readiness requests answered 200`);
  t.same(starts(agent), [0]);
  await rotateToB(t, agent, volume);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('MUTUAL_TLS: a FIFO in place of a certificate file is waited past, and SIGTERM still ends the agent', async (t) => {
  const volume = new SecretVolume(`${t.testdir({})}/certs`);
  volume.write({ ...setA(), 'key.pem': (p: string) => void execFileSync('mkfifo', [p]) });
  const agent = await startAgent(t, { args: ['--certDir', volume.dir, '--controlPlaneAuthPolicy', 'MUTUAL_TLS'] });
  const line = await agent.waitForMsg('certificate file is not a regular file; waiting for a regular file in its place');
  t.match(line, { path: `${volume.dir}/key.pem`, is: 'a FIFO (named pipe)' });
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.ok(agent.logs.some((l) => l.msg === 'stopped waiting for certificate files: shutting down'));
  t.same(starts(agent), [], 'envoy never started');
});
