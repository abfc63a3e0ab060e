// Hot restart on real Envoy's own protocol, under load: SIGHUP and a kubelet-style certificate rotation each start
// epoch N+1 with the same --base-id once `envoy --mode validate` accepted its bootstrap; the child takes the listen
// sockets over through Envoy's hot-restart RPC; the parent drains and exits on its own after
// --parent-shutdown-time-s. Meanwhile no request through the inbound listener fails, on kept-alive connections or
// new ones, and readiness never leaves 200.
import t from 'tap';
import { setB } from '../fixtures/certs/pki.js';
import { hotRestartUnderLoad, serverInfo, startPod } from '../helpers/hot-restart-pod.js';

t.test('SIGHUP, then a certificate rotation: each a hot restart to the next epoch on real Envoy, nothing lost', async (t) => {
  const pod = await startPod(t);
  const { agent } = pod;
  const baseId = (await serverInfo(agent)).baseId;
  t.equal(baseId, agent.baseId, 'epoch 0 runs with the agent\'s --baseId');

  await t.test('SIGHUP → epoch 1', (t) => hotRestartUnderLoad(t, pod, 1, () => agent.signal('SIGHUP')));
  await t.test('certificate rotation (kubelet ..data swap) → epoch 2', (t) => hotRestartUnderLoad(t, pod, 2, () => pod.certs.write(setB())));
  t.ok(agent.logs.some((l) => l.msg === 'certificates changed; hot-restarting envoy'), 'the rotation was the trigger');

  const info = await serverInfo(agent);
  t.same(info, { epoch: 2, baseId, state: 'LIVE' }, 'epoch 2 is LIVE on the same base id');
  // The wrapper saw every invocation: each hot-restart epoch was validated first, and all ran on one base id.
  const calls = pod.envoy.invocations();
  const flag = (args: string[], name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const serving = calls.filter((a) => flag(a, '--mode') !== 'validate');
  t.same(serving.map((a) => flag(a, '--restart-epoch')), ['0', '1', '2'], 'three envoys: epochs 0, 1, 2');
  t.same(new Set(serving.map((a) => flag(a, '--base-id'))), new Set([String(baseId)]), 'every epoch with the same --base-id');
  for (const epoch of [1, 2]) {
    const file = flag(serving[epoch]!, '-c');
    const validated = calls.findIndex((a) => flag(a, '--mode') === 'validate' && flag(a, '-c') === file);
    t.ok(validated >= 0 && validated < calls.indexOf(serving[epoch]!), `epoch ${epoch}'s bootstrap passed --mode validate before epoch ${epoch} started`);
  }
});
