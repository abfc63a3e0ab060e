// A real bin/pilot-agent against the stub envoy (tools/envoy-stub), on ports from the OS, in a temp dir: the black-box
// harness for supervisor, status and PID-1 tests. Everything it starts is killed in teardown.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Test } from 'tap';
import { agentBin, nodeCommand, stubBin } from './agent.js';
import { freePort, httpRequest } from './net.js';

export interface Ports {
  readonly admin: number;
  readonly status: number;
  readonly envoyStatus: number;
  readonly envoyPrometheus: number;
}

export interface AgentLogLine {
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface StartOptions {
  /** Extra flags after the defaults (later flags win); a function sees the temp dir and ports. */
  readonly args?: readonly string[] | ((where: { dir: string; ports: Ports }) => readonly string[]);
  /** Extra environment (ENVOY_STUB_* fault switches, ENVOY_RESTART_*, …). */
  readonly env?: Record<string, string>;
  readonly drain?: string;
  readonly parentShutdown?: string;
  /** Run the agent under this prefix, e.g. ['unshare', '--pid', '--fork', '--mount-proc']. */
  readonly wrapper?: readonly string[];
  /** The working directory, the container's `/` for the paths Istio reads relative to it (./var/run/secrets/…). */
  readonly cwd?: string;
}

export class RunningAgent {
  readonly logs: AgentLogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters = new Set<() => void>();

  readonly proc: ChildProcess;
  readonly ports: Ports;
  readonly dir: string;
  readonly baseId: number;

  constructor(
    proc: ChildProcess,
    ports: Ports,
    dir: string,
    baseId: number,
  ) {
    this.proc = proc;
    this.ports = ports;
    this.dir = dir;
    this.baseId = baseId;
    let partial = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as AgentLogLine);
        } catch {
          // not a log line
        }
      }
      for (const w of this.#waiters) w();
    });
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get configPath(): string {
    return `${this.dir}/proxy`;
  }

  get eventLog(): string {
    return `${this.dir}/events.jsonl`;
  }

  /** The stub's event log (one JSON object per line). */
  events(): Record<string, unknown>[] {
    if (!existsSync(this.eventLog)) return [];
    return readFileSync(this.eventLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** The restart epoch of every envoy the stub saw start serving (its --mode validate runs left out). */
  envoyStartEpochs(): number[] {
    return this.events().filter((e) => e.event === 'start' && e.mode !== 'validate').map((e) => e.restartEpoch as number);
  }

  /** Every --base-id the agent started envoy with. */
  envoyBaseIds(): number[] {
    const ids = this.logs.filter((l) => l.msg === 'envoy started').map((l) => {
      const args = l.args as string[];
      return Number(args[args.indexOf('--base-id') + 1]);
    });
    return [...new Set(ids)];
  }

  /** Every envoy pid the agent reported starting. */
  envoyPids(): number[] {
    return this.logs.filter((l) => l.msg === 'envoy started').map((l) => l.envoyPid as number);
  }

  /** Wait for the n-th (1-based) log line matching; fails the wait when the agent exits first. */
  waitForLog(match: (l: AgentLogLine) => boolean, n = 1, timeoutMs = 30_000): Promise<AgentLogLine> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hits = this.logs.filter(match);
        if (hits.length >= n) {
          done();
          resolve(hits[n - 1]!);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for a log line; last lines: ${JSON.stringify(this.logs.slice(-5))}`));
      }, timeoutMs);
      const onExit = (): void => {
        if (!check()) {
          done();
          reject(new Error(`agent exited first; stderr: ${this.stderr.slice(-500)}`));
        }
      };
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        this.proc.off('exit', onExit);
      };
      const waiter = (): void => void check();
      if (check()) return;
      this.#waiters.add(waiter);
      this.proc.once('exit', onExit);
    });
  }

  waitForMsg(msg: string, n = 1, timeoutMs = 30_000): Promise<AgentLogLine> {
    return this.waitForLog((l) => l.msg === msg, n, timeoutMs);
  }

  /** GET a path on the status port (direct) or envoy's health listener ("envoy"). */
  get(path: string, via: 'status' | 'envoy' = 'status'): Promise<{ status: number; body: string }> {
    const port = via === 'status' ? this.ports.status : this.ports.envoyStatus;
    return httpRequest('GET', port, path);
  }

  post(path: string, via: 'status' | 'admin' = 'status'): Promise<{ status: number; body: string }> {
    return httpRequest('POST', via === 'status' ? this.ports.status : this.ports.admin, path);
  }

  signal(sig: NodeJS.Signals): void {
    this.proc.kill(sig);
  }
}

/** Is a process still there (and not a zombie)? */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Start the agent; teardown kills the agent and every envoy it started, and checks nothing survived. */
export async function startAgent(t: Test, opts: StartOptions = {}): Promise<RunningAgent> {
  const dir = mkdtempSync(`${tmpdir()}/pilot-agent-test-`);
  const ports: Ports = { admin: await freePort(), status: await freePort(), envoyStatus: await freePort(), envoyPrometheus: await freePort() };
  const baseId = 1 + Math.floor(Math.random() * 400_000_000);
  const args = [
    agentBin, 'proxy', 'sidecar',
    '--binaryPath', stubBin,
    '--configPath', `${dir}/proxy`,
    '--proxyAdminPort', String(ports.admin),
    '--statusPort', String(ports.status),
    // The plain-text port: on 15012 the agent requires credentials (Istio 1.5), which most tests do not need.
    '--discoveryAddress', '127.0.0.1:15010',
    '--drainDuration', opts.drain ?? '1s',
    '--parentShutdownDuration', opts.parentShutdown ?? '2s',
    '--baseId', String(baseId),
    // The stub speaks no SDS and the certificate tests count hot restarts: SDS tests pass --certDelivery sds.
    '--certDelivery', 'restart',
    ...(typeof opts.args === 'function' ? opts.args({ dir, ports }) : (opts.args ?? [])),
  ];
  const env = {
    PATH: process.env.PATH ?? '',
    POD_NAME: 'app-0',
    POD_NAMESPACE: 'test',
    INSTANCE_IP: '127.0.0.1',
    ENVOY_STATUS_PORT: String(ports.envoyStatus),
    ENVOY_PROMETHEUS_PORT: String(ports.envoyPrometheus),
    ENVOY_STUB_SHM_DIR: dir,
    ENVOY_STUB_STATE_DIR: dir,
    ENVOY_STUB_EVENT_LOG: `${dir}/events.jsonl`,
    ENVOY_STUB_STRICT: '0',
    TERMINATION_MESSAGE_PATH: `${dir}/termination-log`,
    ...opts.env,
  };
  const [cmd, ...pre] = [...(opts.wrapper ?? []), ...nodeCommand(opts.env?.NODE_OPTIONS)];
  const full = [...pre, ...args];
  const proc = spawn(cmd!, full, { env, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }) });
  const agent = new RunningAgent(proc, ports, dir, baseId);
  t.teardown(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await agent.exited;
    }
    for (const pid of agent.envoyPids()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
    rmSync(dir, { recursive: true, force: true });
    // Real Envoy leaves its hot-restart shared memory behind even on a clean exit; the stub keeps its in `dir`.
    for (const baseId of agent.envoyBaseIds()) rmSync(`/dev/shm/envoy_shared_memory_${baseId * 10}`, { force: true });
  });
  return agent;
}
