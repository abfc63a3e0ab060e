// A long-lived agent for the attacks that need one running: PID 1 of its own pid namespace, the stub as
// envoy, an application (metrics source and probe target) that the attacks can make misbehave.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { agentBin, childrenOf, freePort, http, pid1, procState, sleep, stubBin, tempDir, cleanup } from './lib.mjs';

/** The application: answers /metrics and /probe as the current `mode` says. */
export async function startApp() {
  const app = { mode: 'ok' };
  const server = createServer((req, res) => {
    res.on('error', () => {});
    req.on('error', () => {});
    const sock = req.socket;
    switch (app.mode) {
      case 'reset': return void sock.resetAndDestroy();
      case 'close-before-headers': return void sock.destroy();
      case 'garbage': return void sock.end('NOT HTTP AT ALL\r\n\r\n');
      case 'hang': return; // never answers
      case 'mid-body':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' });
        res.write('# TYPE app_x counter\napp_x 1\n');
        return void setTimeout(() => sock.destroy(), 20);
      case 'slow':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('# TYPE app_slow counter\n');
        return void setTimeout(() => res.end('app_slow 1\n'), 3_000);
      case 'huge': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const line = `app_big{l="${'x'.repeat(1000)}"} 1\n`;
        let sent = 0;
        const pump = () => {
          while (sent < 30 * 1024 * 1024) {
            sent += line.length;
            if (!res.write(line)) return void res.once('drain', pump);
          }
          res.end();
        };
        return void pump();
      }
      case 'bad-status': res.writeHead(500); return void res.end('boom');
      default:
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.end('# TYPE app_requests_total counter\napp_requests_total 7\n');
    }
  });
  server.on('clientError', (_e, s) => s.destroy());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  app.port = server.address().port;
  app.close = () => new Promise((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return app;
}

export class Agent {
  logs = [];
  stderr = '';
  constructor(proc, ports, dir) {
    this.proc = proc;
    this.ports = ports;
    this.dir = dir;
    let partial = '';
    proc.stdout.setEncoding('utf8').on('data', (c) => {
      const lines = (partial + c).split('\n');
      partial = lines.pop();
      for (const l of lines) {
        try {
          this.logs.push(JSON.parse(l));
        } catch {
          this.logs.push({ msg: `(not json) ${l}` });
        }
      }
      if (this.logs.length > 20_000) this.logs.splice(0, 10_000);
    });
    proc.stderr.setEncoding('utf8').on('data', (c) => (this.stderr = (this.stderr + c).slice(-50_000)));
    this.exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  }

  get running() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The agent's pid as the host sees it: unshare's child. */
  hostPid() {
    return childrenOf(this.proc.pid)[0]?.pid;
  }

  async waitReady(boundMs = 30_000) {
    const until = Date.now() + boundMs;
    while (Date.now() < until && this.running) {
      const r = await http(this.ports.status, '/healthz/ready', { timeoutMs: 2_000 });
      if (r.status === 200) return true;
      await sleep(50);
    }
    return false;
  }

  /** Is it still whole: running, ready, and a full merged scrape works? */
  async healthy() {
    if (!this.running) return `agent exited ${JSON.stringify(await this.exited)}: ${this.stderr.slice(-300)}`;
    if (!(await this.waitReady(15_000))) {
      return this.running ? 'not ready within 15 s' : `agent exited ${JSON.stringify(await this.exited)}: ${this.stderr.slice(-300)}`;
    }
    const m = await http(this.ports.status, '/stats/prometheus', { timeoutMs: 15_000 });
    if (m.status !== 200 || !/envoy_|server_/.test(m.body)) return `scrape answered ${m.status} ${m.error ?? ''}`;
    return undefined;
  }

  signal(sig) {
    const pid = this.hostPid();
    if (pid) process.kill(pid, sig);
  }

  /** SIGTERM and the bounded wait for a clean exit; returns a verdict. */
  async stop(boundMs) {
    this.signal('SIGTERM');
    const r = await Promise.race([this.exited, sleep(boundMs).then(() => 'hang')]);
    if (r === 'hang') {
      this.proc.kill('SIGKILL');
      await this.exited;
      return 'hang on SIGTERM';
    }
    return r.code === 0 ? 'held' : `exit ${r.code ?? r.signal} after SIGTERM`;
  }
}

export async function startAgent(tag, { env = {}, args = [], prepare } = {}) {
  const dir = tempDir(tag);
  prepare?.(dir);
  const ports = { admin: await freePort(), status: await freePort(), envoyStatus: await freePort(), envoyPrometheus: await freePort() };
  const argv = [
    agentBin, 'proxy', 'sidecar',
    '--binaryPath', stubBin,
    '--configPath', `${dir}/proxy`,
    '--certDir', `${dir}/certs`,
    '--proxyAdminPort', String(ports.admin),
    '--statusPort', String(ports.status),
    '--discoveryAddress', '127.0.0.1:15010',
    '--drainDuration', '1s',
    '--parentShutdownDuration', '2s',
    '--baseId', String(1 + Math.floor(Math.random() * 400_000_000)),
    ...args,
  ];
  const fullEnv = {
    PATH: process.env.PATH ?? '',
    POD_NAME: 'attack-0',
    POD_NAMESPACE: 'attack',
    INSTANCE_IP: '127.0.0.1',
    ENVOY_STATUS_PORT: String(ports.envoyStatus),
    ENVOY_PROMETHEUS_PORT: String(ports.envoyPrometheus),
    ENVOY_STUB_SHM_DIR: dir,
    ENVOY_STUB_STATE_DIR: dir,
    ENVOY_STUB_STRICT: '0',
    TERMINATION_MESSAGE_PATH: `${dir}/termination-log`,
    ...env,
  };
  const proc = spawn(pid1[0], [...pid1.slice(1), process.execPath, ...argv], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const agent = new Agent(proc, ports, dir);
  agent.dispose = async () => {
    if (agent.running) {
      proc.kill('SIGKILL');
      await agent.exited;
    }
    cleanup(dir);
  };
  return agent;
}

export { procState };
