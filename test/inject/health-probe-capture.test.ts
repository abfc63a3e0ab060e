// kube-inject's istio-init command, run verbatim in a "pod" network namespace: kubelet's readiness probe to
// envoy's health port 15021 must arrive there from outside the pod, not be redirected to envoy's inbound
// listener 15006 (under STRICT mTLS that listener refuses the plain-HTTP probe, so the pod never turns ready).
// Listeners answer with which port took the connection and its SO_ORIGINAL_DST (test/fixtures/iptables).
import t from 'tap';
import { repoRoot } from '../helpers/agent.js';
import { inNetns, podAndRemote, run, runIstioIptablesInNetns, spawnInNetns, printedReady } from '../helpers/netns.js';
import { container, fixtures, initCommand, inject, readDocs } from '../fixtures/inject/harness.js';

const POD = '198.51.100.1';
const REMOTE = '198.51.100.2';
const listeners = `${repoRoot}test/fixtures/iptables`;

/** What the listener that took a connection from the remote namespace to the pod says. */
async function connectFromOutside(remote: string, port: number): Promise<unknown> {
  const r = await run('ip', [...inNetns(remote), process.execPath, `${listeners}/connect.mjs`, POD, String(port)]);
  if (r.code !== 0) throw new Error(`connect ${POD}:${port} failed: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

t.test('the injected istio-init leaves kubelet\'s probe to 15021 uncaptured, and still captures the app port', async (t) => {
  const out = await inject(['-f', `${fixtures}productpage.yaml`]);
  t.equal(out.code, 0, out.stderr);
  const [deployment] = readDocs(out.stdout);
  const probe = container(deployment!, 'istio-proxy').readinessProbe.httpGet;
  t.equal(probe.port, 15021, 'the readiness probe goes to envoy\'s health listener');
  const command = initCommand(deployment!);
  t.equal(command[0], 'istio-iptables');

  const { pod, remote } = await podAndRemote(t, `${POD}/24`, `${REMOTE}/24`);
  const applied = await runIstioIptablesInNetns(pod, command.slice(1));
  t.equal(applied.code, 0, `the injected command applies: ${applied.stderr}`);

  // Envoy's inbound (15006) and health (15021) listeners, the agent's status port and the app (9080).
  const podListeners = spawnInNetns(t, pod, [process.execPath, `${listeners}/listeners.mjs`, '15006', '15021', '15020', '9080']);
  await printedReady(podListeners);

  t.same(await connectFromOutside(remote, probe.port), { listener: 15021, original: null }, 'the probe reaches envoy\'s health listener as sent');
  t.same(await connectFromOutside(remote, 15020), { listener: 15020, original: null }, 'the status port is not captured either');
  t.same(await connectFromOutside(remote, 9080), { listener: 15006, original: `${POD}:9080` }, 'app traffic is captured: the rules are in force');
});
