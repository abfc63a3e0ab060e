// Two agents on one host, each with its own --baseId, hot-restart real Envoy at the same moment (one by a certificate
// rotation, the other by SIGHUP, fired in the same tick) while clients send through both: each hand-over is Envoy's
// own, each agent's clients lose nothing, each readiness stays 200, and neither envoy touches the other's base id.
// (two-agents.test.ts restarts one beside the other, idle; this is the simultaneous case.)
import t from 'tap';
import { setB } from '../fixtures/certs/pki.js';
import { hotRestartSockets, epochSockets } from '../helpers/hot-restart-traces.js';
import { hotRestartUnderLoad, serverInfo, startPod, troubleLines, type Pod } from '../helpers/hot-restart-pod.js';

/** Each caller waits here; once all have arrived every trigger fires in the same tick. */
function barrier(parties: number): (fire: () => void) => () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return (fire) => async () => {
    if (++arrived === parties) release();
    await all;
    fire();
  };
}

t.test('two agents with their own base ids hot-restart at the same moment under load without disturbing each other', { jobs: 2 }, async (t) => {
  const [a, b] = await Promise.all([startPod(t), startPod(t)]);
  t.not(a.agent.baseId, b.agent.baseId, 'different base ids');
  const together = barrier(2);
  const logsBefore = [a, b].map((p) => p.agent.logs.length);

  await Promise.all([
    t.test('a: certificate rotation → epoch 1', (t) => hotRestartUnderLoad(t, a, 1, together(() => a.certs.write(setB())))),
    t.test('b: SIGHUP → epoch 1', (t) => hotRestartUnderLoad(t, b, 1, together(() => b.agent.signal('SIGHUP')))),
  ]);

  // The two hot restarts overlapped: each agent started its new epoch before the other's old epoch was gone (a
  // hot restart lasts until then: the parent drains for --parent-shutdown-time-s after its child is LIVE).
  const at = (p: Pod, since: number, msg: string): number => Date.parse(String(p.agent.logs.slice(since).find((l) => l.msg === msg)!.time));
  const [startA, startB] = [a, b].map((p, i) => at(p, logsBefore[i]!, 'hot restart: starting new epoch'));
  const [endA, endB] = [a, b].map((p, i) => at(p, logsBefore[i]!, 'previous envoy epoch exited after hot restart'));
  const t0 = Math.min(startA!, startB!);
  t.ok(startA! < endB! && startB! < endA!, `the two hot restarts overlapped (ms: a ${startA! - t0}–${endA! - t0}, b ${startB! - t0}–${endB! - t0})`);
  for (const [name, pod] of [['a', a], ['b', b]] as const) {
    t.same(await serverInfo(pod.agent), { epoch: 1, baseId: pod.agent.baseId, state: 'LIVE' }, `${name}: epoch 1 LIVE on its own base id`);
    t.equal(pod.agent.logs.filter((l) => l.msg === 'envoy started').length, 2, `${name}: two envoys in all (epochs 0 and 1)`);
    t.same(hotRestartSockets(pod.agent.baseId), epochSockets(pod.agent.baseId, 1), `${name}: only its running epoch's hot-restart sockets`);
    t.same(troubleLines(pod.agent), [], `${name}: no rejection, crash or cold restart`);
  }
});
