// Run a test fixture (compiled dist JS, never .ts) either as PID 1 of a fresh pid namespace or as a
// plain child (where the reaper registers as child subreaper), and talk to it in JSON lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Test } from 'tap';
import { listProcesses } from '../../src/init/proc-stat.js';
import { repoRoot } from './agent.js';
import { waitFor } from './net.js';

export type ReaperMode = 'pid1' | 'subreaper';
export const reaperModes: readonly ReaperMode[] = ['pid1', 'subreaper'];

/** --kill-child: if unshare dies, its child (the namespace's init) gets SIGKILL, and the namespace with it. */
export const pidNamespaceWrapper = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'] as const;

export type Line = Record<string, unknown>;

export class FixtureRun {
  readonly lines: Line[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  readonly #waiters = new Set<() => void>();

  readonly proc: ChildProcess;
  readonly mode: ReaperMode;

  constructor(proc: ChildProcess, mode: ReaperMode) {
    this.proc = proc;
    this.mode = mode;
    let partial = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      for (const p of parts) if (p.startsWith('{')) this.lines.push(JSON.parse(p) as Line);
      for (const w of this.#waiters) w();
    });
    proc.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const w of this.#waiters) w();
    });
  }

  /** The first line matching; rejects if the fixture exits first (no timer: tap's timeout bounds it). */
  waitFor(match: (l: Line) => boolean): Promise<Line> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.lines.find(match);
        if (hit) {
          this.#waiters.delete(check);
          resolve(hit);
        } else if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
          this.#waiters.delete(check);
          reject(new Error(`fixture exited before the expected line; stderr: ${this.stderr.slice(-800)}`));
        }
      };
      this.#waiters.add(check);
      check();
    });
  }

  send(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  /** The fixture's pid as the host sees it (in pid1 mode: unshare's child). */
  hostPid(): number {
    if (this.mode === 'subreaper') return this.proc.pid!;
    const child = listProcesses().find((p) => p.ppid === this.proc.pid);
    if (!child) throw new Error('the namespace init is not running');
    return child.pid;
  }
}

/** Start test/fixtures/init/<name>; teardown kills it (and so, in pid1 mode, its whole namespace). */
export function runFixture(t: Test, name: string, mode: ReaperMode, args: readonly string[] = []): FixtureRun {
  if (!existsSync(`${repoRoot}dist/init/index.js`)) throw new Error('dist/ is missing: npx tsc -p tsconfig.build.json');
  const script = `${repoRoot}test/fixtures/init/${name}`;
  const command = mode === 'pid1' ? [...pidNamespaceWrapper, process.execPath, script, ...args] : [process.execPath, script, ...args];
  const proc = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const run = new FixtureRun(proc, mode);
  t.teardown(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await run.exited;
    }
  });
  return run;
}

/** Wait (polling /proc) until `pid`'s stat says it is gone or a zombie; no timer, tap bounds it. */
export async function processGone(pid: number): Promise<void> {
  await waitFor(`pid ${pid} to be gone`, () => {
    const p = listProcesses().find((x) => x.pid === pid);
    return !p || p.state === 'Z';
  }, Infinity);
}
