// Shared by the benchmarks: real processes on ports from the OS, medians, and the result format.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

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

/** Start bin/pilot-agent against the stub with free ports in a temp dir. */
export async function startAgent({ drain = '1s', parentShutdown = '2s', env = {}, args = [] } = {}) {
  const dir = mkdtempSync(`${tmpdir()}/pilot-agent-bench-`);
  const ports = { admin: await freePort(), status: await freePort(), envoyStatus: await freePort(), envoyPrometheus: await freePort() };
  // The agent's log goes to a file, so a benchmark that fails can say why.
  const logFile = `${dir}/agent.log`;
  const log = openSync(logFile, 'a');
  const proc = spawn(process.execPath, [
    `${root}bin/pilot-agent`, 'proxy', '--binaryPath', `${root}tools/envoy-stub/bin/envoy-stub`, '--configPath', `${dir}/proxy`,
    '--proxyAdminPort', String(ports.admin), '--statusPort', String(ports.status), '--discoveryAddress', '127.0.0.1:15012',
    '--drainDuration', drain, '--parentShutdownDuration', parentShutdown, '--baseId', String(1 + Math.floor(Math.random() * 4e8)), ...args,
  ], {
    stdio: ['ignore', log, log],
    env: { PATH: process.env.PATH, POD_NAME: 'bench-0', POD_NAMESPACE: 'bench', INSTANCE_IP: '127.0.0.1', ENVOY_STATUS_PORT: String(ports.envoyStatus),
      ENVOY_PROMETHEUS_PORT: String(ports.envoyPrometheus), ENVOY_STUB_SHM_DIR: dir, ENVOY_STUB_STATE_DIR: dir, ENVOY_STUB_STRICT: '0', ...env },
  });
  closeSync(log);
  const exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  /** Wait for the first 200 on /healthz/ready; on a timeout, fail with the agent's last log lines. */
  const ready = async (everyMs = 5) => {
    try {
      await until(async () => (await get(ports.status, '/healthz/ready')) === 200, 30_000, everyMs);
    } catch {
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-6).map((l) => {
        try {
          return JSON.parse(l).msg;
        } catch {
          return l;
        }
      });
      throw new Error(`agent not ready within 30 s; its last log lines: ${tail.join(' | ')}`);
    }
  };
  const cleanup = async () => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return { proc, ports, dir, exited, ready, cleanup };
}
