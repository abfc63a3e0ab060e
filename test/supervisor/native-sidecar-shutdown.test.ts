// The shutdown of a native sidecar, as kube-inject --nativeSidecar sets it up (its env and preStop hook are
// read from kube-inject's own output), through bin/pilot-agent and the stub envoy. Kubernetes sends its
// SIGTERM only once the app containers have exited, so the drain must not hold the pod for drainDuration
// (300 s here: an exit within the tests' hang guards proves the drain ended early). Both orders of events:
// the preStop drain first (Istio's), or SIGTERM first — with a client connection still open, or none.
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import t from 'tap';
import type { Test } from 'tap';
import { defaultTemplateFile } from '../../src/config/build.js';
import { inject, readDocs, type Obj } from '../fixtures/inject/harness.js';
import { runAgent } from '../helpers/agent.js';
import { freePort } from '../helpers/net.js';
import { alive, startAgent, type AgentLogLine } from '../helpers/running-agent.js';

const injected = inject(['-f', '-', '--nativeSidecar'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - {name: p, image: p}\n')
  .then((out) => readDocs(out.stdout)[0]!.spec.initContainers.find((c: Obj) => c.name === 'istio-proxy') as Obj);
const injectedEnv = async (): Promise<Record<string, string>> =>
  Object.fromEntries(((await injected).env as Obj[]).filter((e) => e.value !== undefined && /DRAIN|ACTIVE_CONNECTIONS/.test(e.name)).map((e) => [e.name, e.value]));

/** The agent with the injected env, a 300 s drain and an extra inbound listener the drain counts connections on. */
async function nativeSidecarAgent(t: Test) {
  const inboundPort = await freePort();
  const template = JSON.parse(readFileSync(defaultTemplateFile, 'utf8'));
  const [first] = template.static_resources.listeners;
  template.static_resources.listeners.push({ ...first, name: 'inbound', traffic_direction: 'INBOUND', address: { socket_address: { address: '127.0.0.1', port_value: inboundPort } }, filter_chains: [{ filters: [] }] });
  const file = `${t.testdir({})}/template.json`;
  writeFileSync(file, JSON.stringify(template));
  const env = await injectedEnv();
  t.same(Object.keys(env).sort(), ['EXIT_ON_ZERO_ACTIVE_CONNECTIONS', 'MINIMUM_DRAIN_DURATION'], 'kube-inject set the drain knobs');
  const agent = await startAgent(t, { drain: '300s', parentShutdown: '600s', env, args: ['--templateFile', file, '--log_output_level', 'debug'] });
  await agent.waitForMsg('envoy is LIVE');
  return { agent, inboundPort };
}

const endedEarly = 'drain: no active downstream connections left; ending the drain early';

async function exitsCleanly(t: Test, agent: Awaited<ReturnType<typeof nativeSidecarAgent>>['agent']): Promise<void> {
  const { code } = await agent.exited;
  t.equal(code, 0, 'exit 0');
  t.notOk(agent.logs.some((l) => l.msg === 'envoy still running at the shutdown deadline; killing it'), 'envoy stopped on SIGTERM, no kill');
  for (const pid of agent.envoyPids()) t.notOk(alive(pid), 'envoy is gone');
}

t.test('preStop drain first, then SIGTERM once the app is gone: envoy is stopped at once', async (t) => {
  const { agent } = await nativeSidecarAgent(t);
  const preStop = (await injected).lifecycle.preStop.exec.command as string[];
  t.same(preStop, ['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain']);
  // kubelet's exec of the hook, against this agent's status port.
  const port = String(agent.ports.status);
  const hook = await runAgent([...preStop.slice(1).map((a) => a.replace('15020', port)), '--statusPort', port]);
  t.equal(hook.code, 0, hook.stderr);
  await agent.waitForMsg('envoy accepted the drain request');
  t.equal((await agent.get('/healthz/ready')).status, 503, 'not ready while draining');

  agent.signal('SIGTERM');
  await agent.waitForMsg('second shutdown request: skipping the rest of the drain', 1, 60_000);
  await exitsCleanly(t, agent);
});

t.test('SIGTERM first with a client connection still open: the drain lasts until it closes', async (t) => {
  const { agent, inboundPort } = await nativeSidecarAgent(t);
  const client = net.connect(inboundPort, '127.0.0.1');
  client.on('error', () => {});
  t.teardown(() => client.destroy());
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));

  agent.signal('SIGTERM');
  const counted = (l: AgentLogLine) => l.msg === 'drain: active downstream connections' && l.active === 1;
  await agent.waitForLog(counted, 2, 60_000); // two polls past the minimum: the open connection holds the drain
  t.equal(agent.proc.exitCode, null, 'still draining while the connection is open');
  t.notOk(agent.logs.some((l) => l.msg === endedEarly), 'and it did not end the drain');

  client.destroy();
  await agent.waitForMsg(endedEarly, 1, 60_000);
  await exitsCleanly(t, agent);
});

t.test('SIGTERM first with no connection left: the drain ends after the short minimum', async (t) => {
  const { agent } = await nativeSidecarAgent(t);
  agent.signal('SIGTERM');
  await agent.waitForMsg(endedEarly, 1, 60_000);
  const counts = agent.logs.filter((l) => l.msg === 'drain: active downstream connections').map((l) => l.active);
  t.same(counts, [0], 'one look at envoy\'s connections, none active');
  await exitsCleanly(t, agent);
});
