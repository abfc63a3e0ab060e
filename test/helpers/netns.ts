// Throwaway network namespaces for tests that need real iptables (root only). Names are unique per
// process and call, so test files can run in parallel; every namespace is deleted in teardown
// (deleting a namespace also deletes the veth ends inside it), even when the test failed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import type { Test } from 'tap';
import { agentBin, repoRoot, type RunResult } from './agent.js';

let counter = 0;

/** At most 15 characters, so the name also works for a network interface. */
export function uniqueName(tag: string): string {
  counter += 1;
  return `${tag}${process.pid.toString(36)}${counter.toString(36)}`.slice(0, 15);
}

/** Run a command to completion; never rejects. */
export function run(cmd: string, args: readonly string[], env: Record<string, string> = { PATH: process.env.PATH ?? '' }): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code as number | null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

/** Run and fail loudly: set-up steps must work. */
export async function must(cmd: string, args: readonly string[]): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** A fresh namespace with lo up, deleted in t's teardown. */
export async function createNetns(t: Test, tag: string): Promise<string> {
  const name = uniqueName(tag);
  await must('ip', ['netns', 'add', name]);
  t.teardown(() => run('ip', ['netns', 'del', name]).then(() => undefined));
  await must('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

/** A namespace whose only non-loopback address is `cidr` (on one end of a veth pair inside it). */
export async function netnsWithAddress(t: Test, tag: string, cidr: string): Promise<string> {
  const ns = await createNetns(t, tag);
  await must('ip', ['-n', ns, 'link', 'add', 'pa0', 'type', 'veth', 'peer', 'name', 'pa1']);
  await must('ip', ['-n', ns, 'addr', 'add', cidr, 'dev', 'pa0', ...(cidr.includes(':') ? ['nodad'] : [])]);
  await must('ip', ['-n', ns, 'link', 'set', 'pa0', 'up']);
  await must('ip', ['-n', ns, 'link', 'set', 'pa1', 'up']);
  return ns;
}

/** Two namespaces joined by a veth pair: "pod" at podCidr, "remote" at remoteCidr. */
export async function podAndRemote(t: Test, podCidr: string, remoteCidr: string): Promise<{ pod: string; remote: string }> {
  const pod = await createNetns(t, 'pp');
  const remote = await createNetns(t, 'pr');
  const podEnd = uniqueName('vp');
  const remoteEnd = uniqueName('vr');
  await must('ip', ['link', 'add', podEnd, 'netns', pod, 'type', 'veth', 'peer', 'name', remoteEnd, 'netns', remote]);
  // If set-up fails half way the namespaces' deletion removes the pair; this covers the host side.
  t.teardown(() => run('ip', ['link', 'del', podEnd]).then(() => undefined));
  await must('ip', ['-n', pod, 'addr', 'add', podCidr, 'dev', podEnd]);
  await must('ip', ['-n', remote, 'addr', 'add', remoteCidr, 'dev', remoteEnd]);
  await must('ip', ['-n', pod, 'link', 'set', podEnd, 'up']);
  await must('ip', ['-n', remote, 'link', 'set', remoteEnd, 'up']);
  return { pod, remote };
}

/**
 * argv prefix that runs a command inside `ns`, optionally as uid:gid (via setpriv). Another user
 * cannot write the test runner's coverage files, so coverage hooks are dropped for it.
 */
/**
 * setpriv to another uid, keeping only CAP_DAC_READ_SEARCH: the checkout may sit under a directory
 * other users cannot enter (mktemp -d is 0700), and the uid must still read bin/, dist/ and the
 * fixtures. The capability bypasses file permission checks only; iptables' owner match sees the uid.
 */
export function asUser(as: { uid: number; gid: number }): string[] {
  return ['setpriv', `--reuid=${as.uid}`, `--regid=${as.gid}`, '--clear-groups', '--inh-caps', '+dac_read_search', '--ambient-caps', '+dac_read_search'];
}

export function inNetns(ns: string, as?: { uid: number; gid: number }): string[] {
  const prefix = ['netns', 'exec', ns];
  if (!as) return prefix;
  return [...prefix, ...asUser(as), 'env', '-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE'];
}

/** The compiled agent (`pilot-agent <args>`) inside a namespace, with a clean environment. */
export function runAgentInNetns(ns: string, args: readonly string[], env: Record<string, string> = {}, as?: { uid: number; gid: number }): Promise<RunResult> {
  return run('ip', [...inNetns(ns, as), process.execPath, agentBin, ...args], { PATH: process.env.PATH ?? '', ...env });
}

/** bin/istio-iptables inside a namespace. */
export function runIstioIptablesInNetns(ns: string, args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run('ip', [...inNetns(ns), process.execPath, `${repoRoot}bin/istio-iptables`, ...args], { PATH: process.env.PATH ?? '', ...env });
}

/** A long-running process inside a namespace, killed (and awaited) in teardown. */
export function spawnInNetns(t: Test, ns: string, argv: readonly string[], as?: { uid: number; gid: number }): ChildProcess {
  const child = spawn('ip', [...inNetns(ns, as), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGTERM');
    await closed;
  });
  return child;
}

/** Resolves once a fixture started with spawnInNetns prints "ready"; rejects if it exits first. */
export function printedReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`${child.spawnargs.at(-1)} exited (${code}) before it was ready: ${err}`)));
  });
}
