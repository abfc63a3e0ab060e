// `npm start` and `npm run start:envoy` as a user runs them: the launcher script in a process group of its own,
// its output collected, and a teardown that kills the launcher, the agent and envoy by pid whatever happened.
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { Test } from 'tap';
import { repoRoot } from './agent.js';

export interface Launched {
  readonly proc: ReturnType<typeof spawn>;
  readonly exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** The agent's pid (the launcher prints it) and every envoy's (the agent logs them). */
  pids(): number[];
}

export function launchLocal(t: Test, script: 'start-local.mjs' | 'start-envoy.mjs', args: readonly string[], env: NodeJS.ProcessEnv): Launched {
  const proc = spawn(process.execPath, [`${repoRoot}scripts/${script}`, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const pids = (): number[] => [/agent pid (\d+)/.exec(err)?.[1], ...[...out.matchAll(/envoyPid: (\d+)/g)].map((m) => m[1])].filter(Boolean).map(Number);
  t.teardown(async () => {
    for (const pid of [proc.pid!, ...pids()]) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already, as it should be
      }
    }
    await exited;
  });
  return { proc, exited, out: () => out, err: () => err, pids };
}

/** Nothing listens on the port any more. */
export const refuses = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
