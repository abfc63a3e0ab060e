// Shared by the benchmarks: real processes on ports from the OS, one environment for the agent and its
// baselines, medians, and the result format.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { gone } from './proc.mjs';

export const root = fileURLToPath(new URL('../', import.meta.url));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round1 = (x) => Number(x.toFixed(1));
// Three significant digits: a ratio that misses a target by a little must not print as the target itself.
export const ratio = (value, baseline) => Number((value / baseline).toPrecision(3));

export function get(port, path) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function until(check, timeoutMs = 30_000, everyMs = 5) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error('benchmark: condition not reached in time');
}

/**
 * The one environment the agent and every Node baseline get: nothing inherited but PATH. The environment
 * `npm run` passes on made a bare server start ~30 ms slower (201 vs 172 ms, median of 12 on the 2-core VM),
 * and a baseline that pays for it while the agent does not is not a baseline.
 */
export function benchEnv(dir, ports, extra = {}) {
  return {
    PATH: process.env.PATH, POD_NAME: 'bench-0', POD_NAMESPACE: 'bench', INSTANCE_IP: '127.0.0.1',
    ENVOY_STATUS_PORT: String(ports.envoyStatus), ENVOY_PROMETHEUS_PORT: String(ports.envoyPrometheus),
    ENVOY_STUB_SHM_DIR: dir, ENVOY_STUB_STATE_DIR: dir, ENVOY_STUB_STRICT: '0', ...extra,
  };
}

/** A distinct hot-restart base id (never 0): envoys of other benchmarks and tests may run on this host. */
export const baseId = () => String(1 + Math.floor(Math.random() * 4e8));

/** Real Envoy leaves its shared memory file behind, even on a clean exit. */
export function removeEnvoyShm(id) {
  rmSync(`/dev/shm/envoy_shared_memory_${Number(id) * 10}`, { force: true });
}

async function benchPorts() {
  return { admin: await freePort(), status: await freePort(), envoyStatus: await freePort(), envoyPrometheus: await freePort() };
}

/** The last lines of a log, JSON lines shown by their msg. */
function tail(logFile) {
  return readFileSync(logFile, 'utf8').trim().split('\n').slice(-6).map((l) => {
    try {
      return JSON.parse(l).msg;
    } catch {
      return l;
    }
  }).join(' | ');
}

/** The agent's 'envoy started' log line: envoy's pid and the exact flags the agent gave it. */
export function envoyStarted(logFile) {
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue; // envoy's own lines share the file
    const l = JSON.parse(line);
    if (l.msg === 'envoy started') return l;
  }
  return undefined;
}

/**
 * Spawn `node <script> ...args` with its output in <dir>/<name>.log. `spawnedAt` is read right before the
 * spawn: start-up is timed from there, not from the port and temp-dir set-up before it.
 */
function spawnNode(name, dir, script, args, env, readyPort) {
  const logFile = `${dir}/${name}.log`;
  const log = openSync(logFile, 'a');
  const spawnedAtWall = Date.now(); // to compare with a log line's time
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', log, log], env });
  closeSync(log);
  const exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  /** Wait for the first 200 on /healthz/ready; resolves with that moment. On a timeout, say why. */
  const ready = async (everyMs = 5) => {
    try {
      await until(async () => (await get(readyPort, '/healthz/ready')) === 200, 30_000, everyMs);
      return performance.now();
    } catch {
      throw new Error(`${name} not ready within 30 s; its last log lines: ${tail(logFile)}`);
    }
  };
  return { proc, spawnedAt, spawnedAtWall, exited, ready, logFile };
}

/**
 * Start bin/pilot-agent with free ports in a temp dir: against the stub envoy, or, given `fakeAdmin`
 * (startFakeAdmin), against bench/fake-envoy whose admin is already LIVE. `args` come last and win.
 */
export async function startAgent({ drain = '1s', parentShutdown = '2s', env = {}, args = [], fakeAdmin } = {}) {
  const dir = mkdtempSync(`${tmpdir()}/pilot-agent-bench-`);
  const ports = await benchPorts();
  if (fakeAdmin) ports.admin = fakeAdmin.port;
  const binary = fakeAdmin ? `${root}bench/fake-envoy` : `${root}tools/envoy-stub/bin/envoy-stub`;
  const agentEnv = benchEnv(dir, ports, env);
  const started = spawnNode('agent', dir, `${root}bin/pilot-agent`, [
    'proxy', '--binaryPath', binary, '--configPath', `${dir}/proxy`,
    '--proxyAdminPort', String(ports.admin), '--statusPort', String(ports.status), '--discoveryAddress', '127.0.0.1:15010',
    '--drainDuration', drain, '--parentShutdownDuration', parentShutdown, '--baseId', baseId(), ...args,
  ], agentEnv, ports.status);
  /** SIGKILLed, the agent cannot stop its envoy: end envoy's process group too (its own), and wait for it. */
  const cleanup = async () => {
    if (started.proc.exitCode === null) started.proc.kill('SIGKILL');
    await started.exited;
    const envoy = envoyStarted(started.logFile);
    const envoyPid = envoy?.envoyPid;
    if (envoyPid !== undefined) {
      try {
        process.kill(-envoyPid, 'SIGKILL');
      } catch {
        // already gone
      }
      await until(() => gone(envoyPid), 10_000);
      const id = envoy.args?.[envoy.args.indexOf('--base-id') + 1];
      if (envoy.args?.includes('--base-id')) removeEnvoyShm(id);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { ...started, ports, dir, env: agentEnv, cleanup };
}

/** The baseline: bench/bare-server.mjs on a free port, with the agent's environment (benchEnv). */
export async function startBare({ env = {}, args = [] } = {}) {
  const dir = mkdtempSync(`${tmpdir()}/pilot-agent-bench-bare-`);
  const port = await freePort();
  // Ports of its own for the variables, so the environment has the agent's shape (same names, same lengths).
  const bareEnv = benchEnv(dir, await benchPorts(), env);
  const started = spawnNode('bare', dir, `${root}bench/bare-server.mjs`, [String(port), ...args], bareEnv, port);
  const cleanup = async () => {
    if (started.proc.exitCode === null) started.proc.kill('SIGKILL');
    await started.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return { ...started, port, dir, env: bareEnv, cleanup };
}

/** bench/fake-admin.mjs on a free port, listening before this resolves. */
export async function startFakeAdmin() {
  const port = await freePort();
  const proc = spawn(process.execPath, [`${root}bench/fake-admin.mjs`, String(port)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { PATH: process.env.PATH } });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  await new Promise((resolve, reject) => {
    proc.once('message', resolve);
    proc.once('exit', () => reject(new Error('fake admin exited before listening')));
  });
  return {
    port,
    proc,
    close: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
