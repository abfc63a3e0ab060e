// The agent with real Envoy 1.40 (ADS from the local xDS server's seed pod) against that same Envoy started by
// hand: same binary, same bootstrap (the one the agent wrote), same flags but --base-id, same xDS server.
// - spawn → first ready 200: the agent's /healthz/ready against envoy's own admin /ready (LIVE, which real
//   Envoy reaches only after its first CDS and LDS), both polled every 2 ms.
// - memory at ready: the agent's RSS and VmHWM against the RSS and VmHWM of the envoy it supervises, read at
//   the same moment.
// One warm-up of each, then rounds in alternating order, so neither side always gets the warmer machine.
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { memoryKb } from './proc.mjs';
import { alternate } from './rounds.mjs';
import { baseId, envoyStarted, freePort, get, median, ratio, removeEnvoyShm, root, round1, startAgent, until } from './lib.mjs';

const rounds = Number(process.env.BENCH_REAL_ENVOY_ROUNDS ?? 5);
const envoyBinary = process.env.ENVOY_BINARY || `${root}.envoy/bin/envoy`;
const { seedSnapshot, startXdsServer } = await import(`${root}tools/xds-server/dist/index.js`);

/** `copyBootstrapTo`: keep the bootstrap the agent wrote (its temp dir goes with it). */
async function agentRound(xdsPort, copyBootstrapTo) {
  const a = await startAgent({ args: ['--binaryPath', envoyBinary, '--discoveryAddress', `127.0.0.1:${xdsPort}`] });
  try {
    const readyAt = await a.ready(2);
    const agent = memoryKb(a.proc.pid);
    const started = envoyStarted(a.logFile);
    const envoy = memoryKb(started.envoyPid);
    if (copyBootstrapTo) copyFileSync(started.args[started.args.indexOf('-c') + 1], copyBootstrapTo);
    // The agent's log stamps when it spawned envoy: what it spends before that is its own start-up.
    return { ms: readyAt - a.spawnedAt, beforeEnvoyMs: Date.parse(started.time) - a.spawnedAtWall, agent, envoy, args: started.args, env: a.env };
  } finally {
    await a.cleanup(); // SIGKILLs the agent, then envoy's process group, and waits for both
  }
}

/** The agent's envoy flags with the copied bootstrap and a base id of its own. */
function handArgs(agentArgs, bootstrap) {
  const args = [...agentArgs];
  args[args.indexOf('-c') + 1] = bootstrap;
  args[args.indexOf('--base-id') + 1] = baseId();
  return args;
}

/** Envoy by hand, in the environment the agent gave its envoy, timed from spawn to admin /ready 200. */
async function handRound(args, env, adminPort, logFile) {
  const log = openSync(logFile, 'w');
  const spawnedAt = performance.now();
  const p = spawn(envoyBinary, args, { stdio: ['ignore', log, log], env });
  closeSync(log);
  const exited = new Promise((resolve) => p.once('exit', resolve));
  try {
    await until(async () => (await get(adminPort, '/ready')) === 200, 30_000, 2).catch(() => {
      throw new Error(`envoy by hand not ready within 30 s: ${readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ')}`);
    });
    return { ms: performance.now() - spawnedAt, envoy: memoryKb(p.pid) };
  } finally {
    p.kill('SIGKILL');
    await exited;
    removeEnvoyShm(args[args.indexOf('--base-id') + 1]);
  }
}

export default async function run() {
  const work = mkdtempSync(`${tmpdir()}/real-envoy-bench-`);
  // The seed pod's app is never called: readiness needs the config, not traffic.
  const xds = await startXdsServer({ snapshot: seedSnapshot({ inboundPort: await freePort(), outboundPort: await freePort(), appPort: await freePort(), version: '1' }) });
  try {
    // Warm-up: one agent start also gives the bootstrap and flags the hand-started envoy reuses. Its ports
    // (admin, health, prometheus) were the OS's and are free again once that envoy is gone.
    const bootstrap = `${work}/envoy-rev0.json`;
    const warm = await agentRound(xds.port, bootstrap);
    const adminPort = JSON.parse(readFileSync(bootstrap, 'utf8')).admin.address.socket_address.port_value;
    const hand = () => handRound(handArgs(warm.args, bootstrap), warm.env, adminPort, `${work}/envoy.log`);
    await hand();

    const r = await alternate(rounds, { agent: () => agentRound(xds.port), hand }, { warmUp: false });
    const ours = r.agent;
    const base = r.hand;
    const ms = median(ours.map((x) => x.ms));
    const beforeEnvoy = median(ours.map((x) => x.beforeEnvoyMs));
    const bms = median(base.map((x) => x.ms));
    const mib = (values) => median(values) / 1024;
    const rss = mib(ours.map((x) => x.agent.rss));
    const envoyRss = mib(ours.map((x) => x.envoy.rss));
    const hwm = mib(ours.map((x) => x.agent.hwm));
    const envoyHwm = mib(ours.map((x) => x.envoy.hwm));
    const handRss = mib(base.map((x) => x.envoy.rss));
    return [
      {
        name: `real Envoy: spawn → first ready 200, agent + envoy (/healthz/ready), median of ${rounds}; the agent spawns envoy after ${Math.round(beforeEnvoy)} ms`,
        value: Math.round(ms), unit: 'ms', baseline: Math.round(bms), baselineName: 'the same envoy, bootstrap and xDS server started by hand → admin /ready 200',
        ratio: ratio(ms, bms), target: '≤ 1.1×', met: ms / bms <= 1.1,
        samples: ours.map((x) => Math.round(x.ms)), baselineSamples: base.map((x) => Math.round(x.ms)),
      },
      {
        name: `real Envoy: agent RSS at ready (envoy started by hand: ${round1(handRss)} MiB)`,
        value: round1(rss), unit: 'MiB', baseline: round1(envoyRss), baselineName: 'RSS of the envoy it supervises, same moment',
        ratio: ratio(rss, envoyRss), target: 'reported', met: true,
      },
      {
        name: 'real Envoy: agent VmHWM (peak RSS) at ready',
        value: round1(hwm), unit: 'MiB', baseline: round1(envoyHwm), baselineName: 'VmHWM of the envoy it supervises, same moment',
        ratio: ratio(hwm, envoyHwm), target: 'reported', met: true,
      },
    ];
  } finally {
    await xds.close();
    rmSync(work, { recursive: true, force: true });
  }
}
