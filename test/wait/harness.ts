// Helpers for the wait/request tests: run `bin/pilot-agent` as a handle we can signal, and a tiny
// readiness endpoint whose answers each test scripts (flapping, slow, refused, …).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Test } from 'tap';
import { agentBin } from '../helpers/agent.js';

export interface CliRun {
  readonly proc: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: string;
  stderr: string;
}

/** Start `pilot-agent <args>` with a clean environment; teardown kills it if it is still there. */
export function spawnCli(t: Test, args: readonly string[], env: Record<string, string> = {}): CliRun {
  const proc = spawn(process.execPath, [agentBin, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CliRun = {
    proc,
    exited: new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal }))),
    stdout: '',
    stderr: '',
  };
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (run.stdout += c));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (run.stderr += c));
  t.teardown(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await run.exited;
    }
  });
  return run;
}

/** A fresh temp dir, removed in teardown (unique even when two suites run the same test at once). */
export function tempDir(t: Test): string {
  const dir = mkdtempSync(`${tmpdir()}/pilot-agent-wait-test-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Poll until `check` holds; fails after a generous bound (a hang guard, not a timing assertion). */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, boundMs = 30_000): Promise<void> {
  for (let waited = 0; !(await check()); waited += 25) {
    if (waited > boundMs) throw new Error(`gave up waiting for ${what}`);
    await sleep(25);
  }
}

/** What the scripted endpoint does with the n-th request (1-based). */
export type Answer = { status: number; body?: string } | 'hang' | 'reset';

export interface ScriptedEndpoint {
  readonly url: string;
  /** Requests received so far. */
  readonly count: () => number;
}

/** A readiness endpoint on 127.0.0.1:<port 0>; every connection is destroyed in teardown. */
export async function scriptedEndpoint(t: Test, answer: (n: number) => Answer): Promise<ScriptedEndpoint> {
  let n = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res: ServerResponse) => {
    const a = answer(++n);
    req.resume();
    if (a === 'hang') return;
    if (a === 'reset') return void req.socket.destroy();
    res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body ?? '');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/healthz/ready`, count: () => n };
}

/** stderr as lines, without the trailing empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}
