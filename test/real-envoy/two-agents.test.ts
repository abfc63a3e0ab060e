// Two agents on one host, each supervising real Envoy with its own --baseId and its own xDS server: a hot restart
// of one (a certificate rotation in its --certDir, or SIGHUP) never touches the other, whose envoy keeps its pid and
// epoch and keeps serving throughout. Hot restarts of both at the same moment: two-agents-same-moment.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import t from 'tap';
import type { Test } from 'tap';
import { seedSnapshot, startXdsServer } from '../../tools/xds-server/src/index.js';
import { setA, setB } from '../fixtures/certs/pki.js';
import { SecretVolume } from '../fixtures/certs/volume.js';
import { startApp } from '../helpers/direct-envoy.js';
import { keepSending } from '../helpers/keep-sending.js';
import { freePort, request, waitFor } from '../helpers/net.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { alive, startAgent, type RunningAgent } from '../helpers/running-agent.js';

interface Pod {
  readonly name: string;
  readonly agent: RunningAgent;
  readonly inboundPort: number;
  readonly baseId: number;
  /** Its mounted secret (kubelet's ..data layout), holding set A at the start. */
  readonly certs: SecretVolume;
}

async function startPod(t: Test, name: string): Promise<Pod> {
  const appPort = await startApp(t, name);
  const inboundPort = await freePort();
  const xds = await startXdsServer({ snapshot: seedSnapshot({ inboundPort, outboundPort: await freePort(), appPort, version: '1' }) });
  t.teardown(() => xds.close());
  const baseId = await freePort(); // unique on this host now, never 0
  const dir = mkdtempSync(`${tmpdir()}/two-agents-${name}-`); // t.testdir() is one per test: both pods need their own
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const certDir = `${dir}/certs`;
  const certs = new SecretVolume(certDir);
  certs.write(setA());
  const agent = await startAgent(t, {
    args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`, '--baseId', String(baseId), '--certDir', certDir],
    env: { ENVOY_HOT_RESTART_MIN_INTERVAL: '0s' },
  });
  await waitFor(`${name} ready`, async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 30_000);
  await agent.waitForMsg('certificates loaded');
  return { name, agent, inboundPort, baseId, certs };
}

/** What envoy's admin says about the process serving it: its epoch and pid-independent identity. */
async function serverInfo(pod: Pod): Promise<{ epoch: number; baseId: number; uptime: number }> {
  const info = JSON.parse((await request(`http://127.0.0.1:${pod.agent.ports.admin}/server_info`)).body) as {
    command_line_options: { restart_epoch: number; base_id: string };
    uptime_all_epochs: string;
  };
  return { epoch: info.command_line_options.restart_epoch, baseId: Number(info.command_line_options.base_id), uptime: parseInt(info.uptime_all_epochs, 10) };
}

/** Hot-restart `pod` while clients keep sending through `other`; `other` must not notice. */
async function hotRestartBeside(t: Test, pod: Pod, other: Pod, n: number, trigger: () => void): Promise<void> {
  const otherPids = other.agent.envoyPids();
  const serving = otherPids.at(-1)!; // the envoy now serving `other` (earlier epochs may have come and gone)
  const otherLogs = other.agent.logs.length;
  const otherBefore = await serverInfo(other);
  const podStarts = pod.agent.envoyPids().length;
  const clients = keepSending(other.inboundPort, 2);
  t.teardown(() => clients.stop());
  await waitFor(`requests flowing through ${other.name}`, () => clients.tally.completed >= 10, 15_000);

  const notReady: string[] = [];
  let watching = true;
  const readiness = (async () => {
    while (watching) {
      const r = await pod.agent.get('/healthz/ready');
      if (r.status !== 200) notReady.push(`${r.status} ${r.body.trim()}`);
    }
  })();

  trigger();
  await pod.agent.waitForMsg('hot restart complete: new epoch is LIVE', 1, 60_000);
  await pod.agent.waitForMsg('previous envoy epoch exited after hot restart', 1, 60_000); // handed over, drained, gone
  watching = false;
  await readiness;
  t.same(notReady, [], `${pod.name} stayed ready throughout its hot restart`);
  const served = clients.tally.completed;
  await waitFor(`${other.name} to keep serving after ${pod.name}'s restart`, () => clients.tally.completed >= served + 10, 15_000);
  await clients.stop();

  t.equal((await serverInfo(pod)).epoch, n, `${pod.name} runs epoch ${n}`);
  t.equal(pod.agent.envoyPids().length, podStarts + 1, `${pod.name} started one more envoy`);
  t.same(other.agent.envoyPids(), otherPids, `${other.name} started no envoy`);
  t.ok(alive(serving), `${other.name}'s envoy still runs`);
  const otherAfter = await serverInfo(other);
  t.equal(otherAfter.epoch, otherBefore.epoch, `${other.name}'s epoch is unchanged`);
  t.equal(otherAfter.baseId, other.baseId, `${other.name}'s envoy runs with its own base id`);
  t.same(clients.tally.failures, [], `no request through ${other.name} failed`);
  t.equal(clients.tally.completed, clients.tally.started, `every request through ${other.name} got its answer (${clients.tally.completed})`);
  t.notOk(other.agent.logs.slice(otherLogs).some((l) => /hot restart|reload|exited|started/.test(l.msg)), `${other.name}'s agent saw nothing happen`);
  const through = await request(`http://127.0.0.1:${pod.inboundPort}/after`);
  t.equal(through.body, `hello from ${pod.name} /after\n`, `${pod.name}'s new epoch serves its inbound listener`);
}

t.test('two agents with their own base ids: hot-restarting either leaves the other envoy untouched and serving', async (t) => {
  const a = await startPod(t, 'a');
  const b = await startPod(t, 'b');
  t.not(a.baseId, b.baseId);
  t.equal((await serverInfo(a)).baseId, a.baseId, "a's envoy got a's --baseId");

  await t.test('a rotated certificate hot-restarts a', (t) => hotRestartBeside(t, a, b, 1, () => a.certs.write(setB())));
  t.ok(a.agent.logs.some((l) => l.msg === 'certificates changed; hot-restarting envoy'), 'the rotation was the trigger');
  await t.test('SIGHUP hot-restarts b', (t) => hotRestartBeside(t, b, a, 1, () => b.agent.signal('SIGHUP')));
  t.equal((await serverInfo(a)).epoch, 1, 'a is still at epoch 1 after b restarted');
});
