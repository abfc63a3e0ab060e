// The differential suite's harness (test/differential/): the same envoy command line, bootstrap and actions run
// against the stub and against real Envoy 1.40, started directly (no agent), so a scenario is written once and
// its observables compared. Every envoy is killed, its temp dir removed and (real) its /dev/shm file deleted.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Test } from 'tap';
import { stubBin } from './agent.js';
import { freePort, request, waitFor, type Reply } from './net.js';
import { realEnvoyBinary } from './real-envoy.js';

export type Flavour = 'real' | 'stub';
export const flavours: readonly Flavour[] = ['real', 'stub'];

export const binaryOf = (flavour: Flavour): string => (flavour === 'real' ? realEnvoyBinary() : stubBin);

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Ports {
  readonly admin: number;
  readonly inbound: number;
  readonly outbound: number;
}

/**
 * Admin plus two static HTTP listeners answering 200 from a direct_response: LIVE without a control plane, one
 * listener marked INBOUND (as Istio marks its inbound listener) and one OUTBOUND, for inbound-only drains.
 */
export function staticBootstrap(ports: Ports, extra: object = {}): object {
  const listener = (name: string, port: number, direction: string): object => ({
    name,
    traffic_direction: direction,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [{ filters: [{
      name: 'envoy.filters.network.http_connection_manager',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
        stat_prefix: name,
        route_config: { virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200, body: { inline_string: `${name}\n` } } }] }] },
        http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
      },
    }] }],
  });
  return {
    node: { id: 'differential', cluster: 'differential' },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: ports.admin } } },
    static_resources: { listeners: [listener('inbound', ports.inbound, 'INBOUND'), listener('outbound', ports.outbound, 'OUTBOUND')] },
    ...extra,
  };
}

/** A temp dir and a static bootstrap on fresh ports; the base id comes from the admin port (unique now, never 0). */
export async function staticSetup(t: Test, name: string, extra: object = {}): Promise<{ dir: string; config: string; ports: Ports; baseId: number }> {
  const dir = mkdtempSync(`${tmpdir()}/differential-${name}-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ports = { admin: await freePort(), inbound: await freePort(), outbound: await freePort() };
  const config = `${dir}/envoy.json`;
  writeFileSync(config, JSON.stringify(staticBootstrap(ports, extra)));
  const baseId = ports.admin;
  t.teardown(() => rmSync(`/dev/shm/envoy_shared_memory_${baseId * 10}`, { force: true })); // real Envoy leaves it
  return { dir, config, ports, baseId };
}

export interface DirectEnvoy {
  readonly flavour: Flavour;
  readonly pid: number;
  /** stdout and stderr as they came, interleaved. */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  /** The exit once it happened, else undefined. */
  exit(): Exit | undefined;
  signal(sig: NodeJS.Signals): void;
}

/**
 * Start `flavour` with `args` (the caller gives -c, --base-id, …). The stub's shared-memory stand-in goes to `dir`.
 * Killed (SIGKILL) in teardown if still running.
 */
export function spawnEnvoy(t: Test, flavour: Flavour, args: readonly string[], dir: string): DirectEnvoy {
  const proc = spawn(binaryOf(flavour), args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ENVOY_STUB_SHM_DIR: dir } });
  let out = '';
  let exit: Exit | undefined;
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.on('error', (e) => (out += `spawn error: ${e.message}\n`));
  const exited = new Promise<Exit>((resolve) => proc.once('exit', (code, signal) => resolve((exit = { code, signal }))));
  t.teardown(async () => {
    if (exit) return;
    proc.kill('SIGKILL');
    await exited;
  });
  return { flavour, pid: proc.pid!, output: () => out, exited, exit: () => exit, signal: (sig) => proc.kill(sig) };
}

/** One admin request on a fresh connection, bounded at 5 s. */
export function admin(port: number, method: string, path: string): Promise<Reply> {
  return request(`http://127.0.0.1:${port}${path}`, method, {}, 5_000);
}

/** Wait until envoy's /ready says LIVE (or it exits: then fail with its output). */
export async function waitLive(envoy: DirectEnvoy, adminPort: number): Promise<void> {
  await waitFor(`${envoy.flavour} envoy LIVE`, async () => {
    if (envoy.exit()) throw new Error(`${envoy.flavour} envoy exited before LIVE: ${JSON.stringify(envoy.exit())}\n${envoy.output().slice(-2000)}`);
    const r = await admin(adminPort, 'GET', '/ready').catch(() => undefined);
    return r?.status === 200;
  }, 30_000);
}

/**
 * Run the binary to completion (hang guard: SIGKILL after 20 s). Real Envoy names itself by its argv[0] in its usage
 * texts and `--version`, so it runs as `envoy`, the name the stub always prints.
 */
export function runEnvoy(flavour: Flavour, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const proc = spawn(binaryOf(flavour), args, { argv0: 'envoy', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    proc.on('error', (e) => (stderr += `spawn error: ${e.message}\n`));
    proc.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

export interface LogLine {
  readonly level: string;
  readonly component: string;
  /** The source file without its line number: line numbers differ between Envoy versions. */
  readonly source: string;
  readonly message: string;
}

const logLine = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]\[\d+\]\[(\w+)\]\[([\w-]+)\] \[([^\]:]+):\d+\] (.*)$/;

/**
 * Envoy's output with what legitimately varies removed. Real Envoy 1.40 prints the config path of a startup error
 * through absl's debug-string wrapper, a deliberately unstable `goo.gle/debug…` marker and line break (so nobody
 * parses it): that marker goes; the path stays.
 */
export function normalise(output: string): string {
  return output.replace(/'goo\.gle\/debug\w*\s*\n\s*/g, "'");
}

/** Envoy's log lines, parsed (default format); lines that are not log lines are left out. */
export function logLines(output: string): LogLine[] {
  return normalise(output).split('\n').flatMap((l) => {
    const m = logLine.exec(l);
    return m ? [{ level: m[1]!, component: m[2]!, source: m[3]!, message: m[4]! }] : [];
  });
}

/**
 * The first `n` lines an operator (and the agent's crash report) reads for what went wrong: log lines at error or
 * critical, and lines that are not log lines at all (a PARSE ERROR, an `error: …`, a bare message); timestamp,
 * thread id and source line number removed. Lower log levels and blank lines are skipped.
 */
export function errorLines(output: string, n = 2): string[] {
  const lines: string[] = [];
  for (const l of normalise(output).split('\n')) {
    if (lines.length === n) break;
    if (l.trim() === '') continue;
    const m = logLine.exec(l);
    if (!m) lines.push(l);
    else if (m[1] === 'error' || m[1] === 'critical') lines.push(`[${m[1]}][${m[2]}] [${m[3]}] ${m[4]}`);
  }
  return lines;
}

export interface StaticEnvoy {
  readonly envoy: DirectEnvoy;
  readonly flavour: Flavour;
  readonly ports: Ports;
  readonly baseId: number;
  readonly dir: string;
  readonly config: string;
  /** An admin request to this envoy. */
  admin(method: string, path: string): Promise<Reply>;
}

/** Arguments after the common ones; a function gets the envoy's temp dir, to name files in it. */
export type ExtraArgs = readonly string[] | ((dir: string) => readonly string[]);

/** staticSetup + epoch 0 of `flavour` on it (log level info, two workers), LIVE. */
export async function startStatic(t: Test, flavour: Flavour, extraArgs: ExtraArgs = [], bootstrapExtra: object = {}): Promise<StaticEnvoy> {
  for (let attempt = 1; ; attempt++) {
    const s = await staticSetup(t, flavour, bootstrapExtra);
    const extra = typeof extraArgs === 'function' ? extraArgs(s.dir) : extraArgs;
    const envoy = spawnEnvoy(t, flavour, ['-c', s.config, '--base-id', String(s.baseId), '-l', 'info', '--concurrency', '2', ...extra], s.dir);
    try {
      await waitLive(envoy, s.ports.admin);
      return { ...s, envoy, flavour, admin: (method, path) => admin(s.ports.admin, method, path) };
    } catch (e) {
      // A free port is only free when checked: another process on the host (another test file, another job) may
      // bind it first. Then start over on new ports; anything else is the test's failure.
      if (attempt === 3 || !envoy.output().includes('Address already in use')) throw e;
    }
  }
}

/** A function that observes both envoys in parallel and requires the stub to see what real Envoy sees. */
export type Same = <T>(t: Test, what: string, observe: (e: StaticEnvoy) => Promise<T>) => Promise<T>;

/** One envoy of each flavour started alike, and the `same` comparison on them (it returns real Envoy's observation). */
export async function startPair(t: Test, extraArgs?: ExtraArgs, bootstrapExtra?: object): Promise<{ envoys: StaticEnvoy[]; same: Same }> {
  const [real, stub] = await Promise.all(flavours.map((f) => startStatic(t, f, extraArgs, bootstrapExtra)));
  const same: Same = async (t, what, observe) => {
    const [r, s] = await Promise.all([observe(real!), observe(stub!)]);
    t.same(s, r, `${what}: the stub does what real Envoy does`);
    return r;
  };
  return { envoys: [real!, stub!], same };
}
