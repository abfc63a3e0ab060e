// One agent supervising real Envoy as in a pod: the local xDS server's seed config, an app behind the inbound
// listener, a kubelet-style secret volume, and the envoy binary behind a recording wrapper. And the proof of one
// hot restart under load: Envoy's own hand-over, no request lost, readiness 200 throughout.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Test } from 'tap';
import { seedSnapshot, startXdsServer, type XdsServer } from '../../tools/xds-server/src/index.js';
import { setA } from '../fixtures/certs/pki.js';
import { SecretVolume } from '../fixtures/certs/volume.js';
import { repoRoot } from './agent.js';
import { startApp } from './direct-envoy.js';
import { listeningInodes, recordingEnvoy, socketInodesOf, type RecordingEnvoy } from './hot-restart-traces.js';
import { startLoad, watchReadiness } from './load-witness.js';
import { freePort, request, waitFor } from './net.js';
import { realEnvoyBinary } from './real-envoy.js';
import { alive, startAgent, type AgentLogLine, type RunningAgent, type StartOptions } from './running-agent.js';

export interface Pod {
  readonly agent: RunningAgent;
  readonly xds: XdsServer;
  readonly xdsPort: number;
  readonly inboundPort: number;
  readonly certs: SecretVolume;
  readonly envoy: RecordingEnvoy;
  readonly dir: string;
}

export interface PodOptions extends Omit<StartOptions, 'args'> {
  readonly args?: readonly string[];
  /** Run from a copy of the default template at `<dir>/template.json` (a test may rewrite it). */
  readonly ownTemplate?: boolean;
}

/** `main:info`: Envoy's hot-restart lines ("shutting down due to child request") without the rest of info. */
export async function startPod(t: Test, opts: PodOptions = {}): Promise<Pod> {
  const appPort = await startApp(t);
  const inboundPort = await freePort();
  const xdsPort = await freePort(); // a port of our own: a test may restart the server on it
  const xds = await startXdsServer({ port: xdsPort, snapshot: seedSnapshot({ inboundPort, outboundPort: await freePort(), appPort, version: '1' }) });
  t.teardown(() => xds.close());
  const dir = mkdtempSync(`${tmpdir()}/hot-restart-pod-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const certs = new SecretVolume(`${dir}/certs`);
  certs.write(setA());
  const envoy = recordingEnvoy(dir, realEnvoyBinary());
  const extra = [...(opts.args ?? [])];
  if (opts.ownTemplate) {
    copyFileSync(`${repoRoot}bootstrap-templates/envoy_bootstrap.json`, `${dir}/template.json`);
    extra.push('--templateFile', `${dir}/template.json`);
  }
  const agent = await startAgent(t, {
    ...opts,
    args: ['--binaryPath', envoy.bin, '--discoveryAddress', `127.0.0.1:${xdsPort}`, '--certDir', certs.dir, '--proxyLogLevel', 'warning,main:info', ...extra],
    env: { ENVOY_HOT_RESTART_MIN_INTERVAL: '0s', ...opts.env },
  });
  await waitFor('ready', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 30_000);
  await agent.waitForMsg('certificates loaded');
  return { agent, xds, xdsPort, inboundPort, certs, envoy, dir };
}

/** What the envoy on the admin port says it is. */
export async function serverInfo(agent: RunningAgent): Promise<{ epoch: number; baseId: number; state: string }> {
  const info = JSON.parse((await request(`http://127.0.0.1:${agent.ports.admin}/server_info`, 'GET', {}, 5_000)).body) as {
    state: string;
    command_line_options: { restart_epoch: number; base_id: string };
  };
  return { epoch: info.command_line_options.restart_epoch, baseId: Number(info.command_line_options.base_id), state: info.state };
}

/**
 * Hot-restart `pod` into epoch `n` with `trigger` while clients send through its inbound listener (kept-alive and
 * new connections) and readiness is probed; the window opens before the trigger and closes after the parent's exit
 * was observed and more requests were answered. Asserts the hand-over, the load and readiness.
 */
export async function hotRestartUnderLoad(t: Test, pod: Pod, n: number, trigger: () => void | Promise<void>, pace: { everyMs?: number } = {}): Promise<void> {
  const { agent } = pod;
  const parent = agent.envoyPids().at(-1)!;
  const listeners = listeningInodes(pod.inboundPort);
  t.ok(listeners.size > 0 && [...listeners].every((i) => socketInodesOf(parent).has(i)), `the parent holds the inbound listen sockets (${listeners.size})`);

  const expectBody = (path: string): string => `hello from app ${path}\n`; // startApp echoes the path
  const loads = (['keep-alive', 'new connection per request'] as const).map((kind) => startLoad(pod.inboundPort, kind, { expectBody, ...pace }));
  const readiness = watchReadiness(agent.ports, pace.everyMs);
  t.teardown(async () => {
    await Promise.all(loads.map((l) => l.stop()));
    await readiness.stop();
  });
  await waitFor('requests flowing on both kinds of connection', () => loads.every((l) => l.tally.answered >= 20) && readiness.answers.length >= 4, 30_000);
  const atTrigger = loads.map((l) => l.tally.answered);
  const completed = agent.logs.filter((l) => l.msg === 'hot restart complete: new epoch is LIVE').length;
  const starts = agent.envoyPids().length;
  const asked = countLines(agent.stderr, 'shutting down due to child request');
  const logsBefore = agent.logs.length;

  await trigger();
  await agent.waitForMsg('hot restart complete: new epoch is LIVE', completed + 1, 60_000);
  t.equal(agent.envoyPids().length, starts + 1, 'one envoy started');
  const child = agent.envoyPids().at(-1)!;
  t.match(agent.logs.filter((l) => l.msg === 'envoy started').at(-1), { epoch: n }, `the child is epoch ${n}`);
  t.ok([...listeners].every((i) => socketInodesOf(child).has(i)), 'the child holds the very same listen sockets: passed over by Envoy\'s hot-restart RPC, not bound anew');
  t.same(listeningInodes(pod.inboundPort), listeners, 'no listen socket was added or lost');

  const exited = (l: AgentLogLine): boolean => l.msg === 'previous envoy epoch exited after hot restart' && l.epoch === n - 1;
  const parentExit = await agent.waitForLog(exited, agent.logs.filter(exited).length + 1, 60_000);
  t.notOk(alive(parent), 'the parent is gone');
  const atExit = loads.map((l) => l.tally.answered);
  const probesAtExit = readiness.answers.length;
  await waitFor('more requests answered after the parent exited', () => loads.every((l, i) => l.tally.answered >= atExit[i]! + 20) && readiness.answers.length >= probesAtExit + 4, 30_000);
  await Promise.all(loads.map((l) => l.stop()));
  await readiness.stop();

  t.match(parentExit, { code: 0, signal: null }, 'the parent exited 0');
  t.notOk(agent.logs.slice(logsBefore).some((l) => l.msg === 'signalling envoy' && l.epoch === n - 1), 'the agent never signalled the parent: it drained and exited on its own');
  // The parent wrote it before exiting, but its stderr is relayed through the agent's pipe: it may trail the exit.
  await waitFor("the parent's last lines", () => countLines(agent.stderr, 'shutting down due to child request') > asked, 15_000).catch(() => undefined);
  t.equal(countLines(agent.stderr, 'shutting down due to child request'), asked + 1, "Envoy's parent exited at its child's request (after --parent-shutdown-time-s)");
  loads.forEach((load, i) => {
    const { started, answered, failures } = load.tally;
    const label = `${load.kind} (${load.connections} clients)`;
    t.ok(atTrigger[i]! > 0 && atExit[i]! > atTrigger[i]! && answered > atExit[i]!, `${label}: answered before, during and after the hot restart (${atTrigger[i]} / ${atExit[i]} / ${answered})`);
    t.same(failures, [], `${label}: no connection error, timeout, non-200 or wrong body`);
    t.equal(answered, started, `${label}: every request started was answered (${answered})`);
  });
  t.ok(loads[0]!.tally.drainClosed > 0, `the parent's drain ended kept-alive connections with "connection: close" (${loads[0]!.tally.drainClosed}); the clients went on on new ones`);
  const bad = readiness.answers.filter((a) => a.status !== 200);
  t.same(bad, [], `readiness 200 on all ${readiness.answers.length} probes (status port and envoy's health listener)`);
}

export function countLines(text: string, needle: string): number {
  return text.split('\n').filter((l) => l.includes(needle)).length;
}

/**
 * The agent's lines that say a hot restart went wrong: a rejected bootstrap, an epoch that crashed or died before
 * LIVE, a cold restart. By message, not by a word in it: readiness lines quote envoy's counters ("0 rejected").
 */
const troubleMessages = [
  'new bootstrap rejected; the running envoy keeps serving',
  'envoy exited unexpectedly',
  'hot-restart child exited before LIVE; previous epoch keeps serving, next reload restarts cold',
  'cold restart: stopping every epoch before starting epoch 0',
];
export function troubleLines(agent: RunningAgent): string[] {
  return agent.logs.filter((l) => troubleMessages.includes(l.msg)).map((l) => l.msg);
}
