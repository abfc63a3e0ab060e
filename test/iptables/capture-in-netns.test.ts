// The seed's istio-init command applied for real inside a "pod" network namespace joined by a
// veth pair to a "remote" one (198.51.100.0/24, TEST-NET-2, only on those veths). Listeners answer
// with which port took the connection and its SO_ORIGINAL_DST, so each assertion shows where a
// connection really went.
import t from 'tap';
import { repoRoot } from '../helpers/agent.js';
import { must, podAndRemote, run, runAgentInNetns, spawnInNetns, inNetns, printedReady } from '../helpers/netns.js';

const POD = '198.51.100.1';
const REMOTE = '198.51.100.2';
const APP_UID = { uid: 1000, gid: 1000 };
const PROXY_UID = { uid: 1337, gid: 1337 };
const seed = ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15020'];
const fixtures = `${repoRoot}test/fixtures/iptables`;

/** Connect from `ns` (as `as`) and return the listener's answer: { listener, original }. */
async function connectFrom(ns: string, host: string, port: number, as?: { uid: number; gid: number }): Promise<unknown> {
  const r = await run('ip', [...inNetns(ns, as), process.execPath, `${fixtures}/connect.mjs`, host, String(port)]);
  if (r.code !== 0) throw new Error(`connect ${host}:${port} failed: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

t.test('capture in a real network namespace', async (t) => {
  const { pod, remote } = await podAndRemote(t, `${POD}/24`, `${REMOTE}/24`);

  const first = await runAgentInNetns(pod, seed);
  t.equal(first.code, 0, `first run applies the rules: ${first.stderr}`);
  const second = await runAgentInNetns(pod, seed);
  t.equal(second.code, 0, `second run in the same pod does not fail: ${second.stderr}`);
  t.equal(second.stderr, '');
  const saved = await must('ip', ['netns', 'exec', pod, 'iptables-save', '-t', 'nat']);
  t.equal(saved.match(/^-A PREROUTING -p tcp -j ISTIO_INBOUND$/gm)?.length, 1, 'one jump into ISTIO_INBOUND after two runs');
  t.equal(saved.match(/^-A OUTPUT -p tcp -j ISTIO_OUTPUT$/gm)?.length, 1, 'one jump into ISTIO_OUTPUT after two runs');
  t.equal(saved.match(/^-A ISTIO_OUTPUT .*--uid-owner 1337 -j RETURN$/gm)?.length, 2, 'each ISTIO_OUTPUT rule once');

  // Envoy's listeners and the excluded ports in the pod; an app server in the remote namespace.
  const podListeners = spawnInNetns(t, pod, [process.execPath, `${fixtures}/listeners.mjs`, '15001', '15006', '15090', '15020']);
  const remoteServer = spawnInNetns(t, remote, [process.execPath, `${fixtures}/listeners.mjs`, '8080']);
  await Promise.all([printedReady(podListeners), printedReady(remoteServer)]);

  t.same(await connectFrom(pod, REMOTE, 8080, APP_UID), { listener: 15001, original: `${REMOTE}:8080` }, 'an app uid going out lands on 15001, original destination intact');
  t.same(await connectFrom(pod, REMOTE, 8080, PROXY_UID), { listener: 8080, original: null }, 'uid 1337 (envoy) goes straight to the remote server');
  t.same(await connectFrom(remote, POD, 8080), { listener: 15006, original: `${POD}:8080` }, 'inbound to an app port lands on 15006');
  for (const port of [15090, 15020]) {
    const answer = (await connectFrom(remote, POD, port)) as { listener: number; original: string | null };
    t.equal(answer.listener, port, `inbound to excluded port ${port} is not redirected`);
    t.not(answer.original, `${POD}:15006`);
  }
  t.same(await connectFrom(pod, '127.0.0.1', 15090, APP_UID), { listener: 15090, original: null }, 'localhost traffic is never captured');
});

t.test('--run-validation proves capture, and fails where there is none', async (t) => {
  const { pod } = await podAndRemote(t, `${POD}/24`, `${REMOTE}/24`);
  const validate = ['istio-iptables', '--run-validation', '--skip-rule-apply', '-u', '1337', '--probe-timeout', '2s'];

  const before = await runAgentInNetns(pod, validate, {}, PROXY_UID);
  t.equal(before.code, 126, 'no rules yet: validation fails with 126');
  t.match(before.stderr, /^validation failed:timeout/);

  t.equal((await runAgentInNetns(pod, seed)).code, 0);
  const after = await runAgentInNetns(pod, validate, {}, PROXY_UID);
  t.equal(after.code, 0, `validation passes once the rules are in: ${after.stdout}${after.stderr}`);
  t.match(after.stdout, /^in new validator: 198\.51\.100\.1$/m);
  t.match(after.stdout, /^original addr 127\.0\.0\.1:15002$/m, 'the probe kept its original destination port');
  t.match(after.stdout, /validation passed\n$/);

  const asApp = await runAgentInNetns(pod, validate, {}, APP_UID);
  t.equal(asApp.code, 126, 'an app uid is not redirected over lo, so the probe never arrives');
});
