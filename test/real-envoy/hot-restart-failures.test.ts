// Hot restarts that fail, on real Envoy: a bootstrap `--mode validate` rejects starts no epoch, and the parent
// keeps serving; a child killed before LIVE leaves its parent serving and the next reload restarts cold at epoch 0.
// What Envoy 1.40 does with its shared memory then (seen by hand first, pinned here): the dead child leaves the
// INITIALIZING bit set, so any later epoch > 0 on that base id would exit with "previous envoy process is still
// initializing"; only an epoch-0 start, which recreates the region, clears it.
import { readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import type { Test } from 'tap';
import { startXdsServer } from '../../tools/xds-server/src/index.js';
import { initializingBit, sharedMemoryOf } from '../helpers/hot-restart-traces.js';
import { hotRestartUnderLoad, serverInfo, startPod, type Pod } from '../helpers/hot-restart-pod.js';
import { startLoad, watchReadiness } from '../helpers/load-witness.js';
import { request, waitFor } from '../helpers/net.js';
import { alive } from '../helpers/running-agent.js';

/** Clients and readiness probes around `during`: nothing may fail while it runs. */
async function keepsServing(t: Test, pod: Pod, during: () => Promise<void>): Promise<void> {
  const expectBody = (path: string): string => `hello from app ${path}\n`;
  const loads = [startLoad(pod.inboundPort, 'keep-alive', { expectBody }), startLoad(pod.inboundPort, 'new connection per request', { expectBody })];
  const readiness = watchReadiness(pod.agent.ports);
  t.teardown(async () => {
    await Promise.all(loads.map((l) => l.stop()));
    await readiness.stop();
  });
  await waitFor('requests flowing', () => loads.every((l) => l.tally.answered >= 10), 30_000);
  await during();
  const after = loads.map((l) => l.tally.answered);
  await waitFor('requests still answered afterwards', () => loads.every((l, i) => l.tally.answered >= after[i]! + 10), 30_000);
  await Promise.all(loads.map((l) => l.stop()));
  await readiness.stop();
  for (const l of loads) {
    t.same(l.tally.failures, [], `${l.kind}: no request failed`);
    t.equal(l.tally.answered, l.tally.started, `${l.kind}: all ${l.tally.started} answered`);
  }
  t.same(readiness.answers.filter((a) => a.status !== 200), [], `readiness 200 on all ${readiness.answers.length} probes`);
}

t.test('a bootstrap that envoy --mode validate rejects: no new epoch, the parent keeps serving; the next good one hot-restarts', async (t) => {
  const pod = await startPod(t, { ownTemplate: true });
  const { agent } = pod;
  const serving = agent.envoyPids()[0]!;
  const template = `${pod.dir}/template.json`;
  const good = readFileSync(template, 'utf8');
  // JSON the agent renders happily (node, admin port), but no Bootstrap field: Envoy refuses unknown fields (its
  // protobuf library varies the spaces in that message on purpose, hence the \s+).
  writeFileSync(template, JSON.stringify({ ...JSON.parse(good), rejected_by_envoy: true }));

  await keepsServing(t, pod, async () => {
    agent.signal('SIGHUP');
    const rejected = await agent.waitForMsg('new bootstrap rejected; the running envoy keeps serving');
    t.match(rejected.reason, /envoy --mode validate failed \(1\):.*no\s+such\s+field:\s+'rejected_by_envoy'/, `envoy's own reason: ${String(rejected.reason)}`);
  });
  t.same(agent.envoyPids(), [serving], 'no envoy was started');
  t.ok(alive(serving), 'the parent still runs');
  t.same(await serverInfo(agent), { epoch: 0, baseId: agent.baseId, state: 'LIVE' }, 'epoch 0 serves on');
  t.equal(initializingBit(agent.baseId), false, 'validate mode never touched the shared memory');

  writeFileSync(template, good);
  agent.signal('SIGHUP');
  await agent.waitForMsg('hot restart complete: new epoch is LIVE', 1, 60_000);
  t.same(await serverInfo(agent), { epoch: 1, baseId: agent.baseId, state: 'LIVE' }, 'the next good bootstrap is a hot restart to epoch 1');
});

t.test('a hot-restart child killed before LIVE: the parent keeps serving, its shared memory stays "initializing", the next reload is cold at epoch 0', async (t) => {
  const pod = await startPod(t);
  const { agent } = pod;
  const [parent] = agent.envoyPids();
  // Without a control plane the child cannot reach LIVE: its first CDS/LDS never arrive and the bootstrap's
  // initial_fetch_timeout 0s lets it wait forever, so "killed before LIVE" is a state, not a race. The parent has
  // its config.
  await pod.xds.close();

  await keepsServing(t, pod, async () => {
    agent.signal('SIGHUP');
    const started = await agent.waitForLog((l) => l.msg === 'envoy started' && l.epoch === 1);
    const child = started.envoyPid as number;
    // The child answering on the admin port proves it got far: the parent handed the port over (ShutdownAdmin).
    const info = await waitFor('the child to own the admin port', () => serverInfo(agent).then((i) => i.epoch === 1 && i, () => undefined), 30_000);
    t.match(info, { epoch: 1, baseId: agent.baseId, state: /^(PRE_)?INITIALIZING$/ }, `the child is epoch 1, not LIVE (${info.state})`);
    t.equal(initializingBit(agent.baseId), true, 'the child set the INITIALIZING bit in the shared memory');
    process.kill(child, 'SIGKILL');
    const died = await agent.waitForMsg('hot-restart child exited before LIVE; previous epoch keeps serving, next reload restarts cold');
    t.match(died, { epoch: 1, signal: 'SIGKILL' });
  });
  t.ok(alive(parent!), 'the parent still runs');
  t.equal(initializingBit(agent.baseId), true, "Envoy 1.40 leaves the dead child's INITIALIZING bit set: an epoch-1 start would exit 1");
  t.same(sharedMemoryOf(agent.baseId), [`envoy_shared_memory_${agent.baseId * 10}`], 'one shared memory region for the base id');
  const admin = await request(`http://127.0.0.1:${agent.ports.admin}/ready`).then((r) => `${r.status}`, (e: NodeJS.ErrnoException) => e.code);
  t.equal(admin, 'ECONNREFUSED', 'the parent gave its admin port to the child that died: nothing answers there until the next start');

  const xds = await startXdsServer({ port: pod.xdsPort, snapshot: pod.xds.snapshot()! });
  t.teardown(() => xds.close());
  const startsBefore = agent.envoyPids().length;
  agent.signal('SIGHUP');
  await agent.waitForMsg('cold restart: stopping every epoch before starting epoch 0');
  const cold = await agent.waitForLog((l) => l.msg === 'envoy started', startsBefore + 1, 30_000);
  t.equal(cold.epoch, 0, 'the reload started epoch 0');
  t.match(agent.logs.find((l) => l.msg === 'restarting envoy cold at epoch 0'), { epoch: 0 }, 'after the parent (epoch 0) stopped');
  t.notOk(alive(parent!), 'the old parent is gone');
  await waitFor('ready again', async () => (await agent.get('/healthz/ready')).status === 200, 30_000);
  t.same(await serverInfo(agent), { epoch: 0, baseId: agent.baseId, state: 'LIVE' }, 'epoch 0 LIVE on the same base id');
  t.equal(initializingBit(agent.baseId), false, 'the epoch-0 start recreated the shared memory: the bit is clear');
  t.notOk(agent.logs.some((l) => l.msg === 'envoy exited unexpectedly'), 'no crash was counted');

  // The full proof (hand-over, load, readiness) once more: the recreated region serves a hot restart as before.
  await t.test('and hot restarts work again on that base id', (t) => hotRestartUnderLoad(t, pod, 1, () => agent.signal('SIGHUP')));
});
