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
import { freePort, get, median, root, startAgent, until } from './lib.mjs';

const rounds = 5;
const envoyBinary = process.env.ENVOY_BINARY || `${root}.envoy/bin/envoy`;
const { seedSnapshot, startXdsServer } = await import(`${root}tools/xds-server/dist/index.js`);

/** VmRSS and VmHWM of a process, in KiB. */
function memoryKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]), hwm: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) };
}

function gone(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
  } catch {
    return true;
  }
}

/** A distinct hot-restart base id (never 0): envoys of other benchmarks and tests may run on this host. */
const baseId = () => String(1 + Math.floor(Math.random() * 4e8));

/** The agent's 'envoy started' log line: envoy's pid and the exact flags the agent gave it. */
function envoyStarted(dir) {
  for (const line of readFileSync(`${dir}/agent.log`, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue; // envoy's own lines share the file
    const l = JSON.parse(line);
    if (l.msg === 'envoy started') return l;
  }
  throw new Error('the agent logged no "envoy started"');
}

/** `copyBootstrapTo`: keep the bootstrap the agent wrote (its temp dir goes with it). */
async function agentRound(xdsPort, copyBootstrapTo) {
  const t0 = performance.now();
  const t0Wall = Date.now();
  const a = await startAgent({ args: ['--binaryPath', envoyBinary, '--discoveryAddress', `127.0.0.1:${xdsPort}`] });
  let envoyPid;
  try {
    await a.ready(2);
    const ms = performance.now() - t0;
    const agent = memoryKb(a.proc.pid);
    const started = envoyStarted(a.dir);
    envoyPid = started.envoyPid;
    const envoy = memoryKb(envoyPid);
    if (copyBootstrapTo) copyFileSync(started.args[started.args.indexOf('-c') + 1], copyBootstrapTo);
    // The agent's log stamps when it spawned envoy: what it spends before that is its own start-up.
    return { ms, beforeEnvoyMs: Date.parse(started.time) - t0Wall, agent, envoy, args: started.args };
  } finally {
    try {
      envoyPid ??= envoyStarted(a.dir).envoyPid;
    } catch {
      // the agent never started envoy
    }
    // Killed with SIGKILL the agent cannot stop its envoy: end envoy's process group too, and wait for it.
    await a.cleanup();
    if (envoyPid !== undefined) {
      try {
        process.kill(-envoyPid, 'SIGKILL');
      } catch {
        // already gone
      }
      await until(() => gone(envoyPid), 10_000);
    }
  }
}

/** The agent's envoy flags with the copied bootstrap and a base id of its own. */
function handArgs(agentArgs, bootstrap) {
  const args = [...agentArgs];
  args[args.indexOf('-c') + 1] = bootstrap;
  args[args.indexOf('--base-id') + 1] = baseId();
  return args;
}

async function handRound(args, adminPort, logFile) {
  const log = openSync(logFile, 'w');
  const t0 = performance.now();
  const p = spawn(envoyBinary, args, { stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise((resolve) => p.once('exit', resolve));
  try {
    await until(async () => (await get(adminPort, '/ready')) === 200, 30_000, 2).catch(() => {
      throw new Error(`envoy by hand not ready within 30 s: ${readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ')}`);
    });
    return { ms: performance.now() - t0, envoy: memoryKb(p.pid) };
  } finally {
    p.kill('SIGKILL');
    await exited;
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
    const hand = () => handRound(handArgs(warm.args, bootstrap), adminPort, `${work}/envoy.log`);
    await hand();

    const ours = [];
    const base = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        ours.push(await agentRound(xds.port));
        base.push(await hand());
      } else {
        base.push(await hand());
        ours.push(await agentRound(xds.port));
      }
    }
    const ms = median(ours.map((x) => x.ms));
    const beforeEnvoy = median(ours.map((x) => x.beforeEnvoyMs));
    const bms = median(base.map((x) => x.ms));
    const mib = (values) => median(values) / 1024;
    const rss = mib(ours.map((x) => x.agent.rss));
    const envoyRss = mib(ours.map((x) => x.envoy.rss));
    const hwm = mib(ours.map((x) => x.agent.hwm));
    const envoyHwm = mib(ours.map((x) => x.envoy.hwm));
    const handRss = mib(base.map((x) => x.envoy.rss));
    const round1 = (x) => Number(x.toFixed(1));
    return [
      {
        name: `real Envoy: spawn → first ready 200, agent + envoy (/healthz/ready), median of ${rounds}; the agent spawns envoy after ${Math.round(beforeEnvoy)} ms`,
        value: Math.round(ms), unit: 'ms', baseline: Math.round(bms), baselineName: 'the same envoy, bootstrap and xDS server started by hand → admin /ready 200',
        ratio: Number((ms / bms).toFixed(2)), target: 'reported', met: true,
        samples: ours.map((x) => Math.round(x.ms)), baselineSamples: base.map((x) => Math.round(x.ms)),
      },
      {
        name: `real Envoy: agent RSS at ready (envoy started by hand: ${round1(handRss)} MiB)`,
        value: round1(rss), unit: 'MiB', baseline: round1(envoyRss), baselineName: 'RSS of the envoy it supervises, same moment',
        ratio: Number((rss / envoyRss).toFixed(2)), target: 'reported', met: true,
      },
      {
        name: 'real Envoy: agent VmHWM (peak RSS) at ready',
        value: round1(hwm), unit: 'MiB', baseline: round1(envoyHwm), baselineName: 'VmHWM of the envoy it supervises, same moment',
        ratio: Number((hwm / envoyHwm).toFixed(2)), target: 'reported', met: true,
      },
    ];
  } finally {
    await xds.close();
    rmSync(work, { recursive: true, force: true });
  }
}
