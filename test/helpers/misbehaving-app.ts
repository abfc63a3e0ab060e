// Runs test/fixtures/status/misbehaving-app.mjs (an app that misbehaves on request, over raw sockets)
// as a child process; teardown kills it by pid.
import { spawn } from 'node:child_process';
import type { Test } from 'tap';
import { repoRoot } from './agent.js';
import { httpRequest } from './net.js';

export type AppMode = 'ok' | 'big' | 'slow-headers' | 'slow-body' | 'reset-before-headers' | 'reset-mid-body' | 'close-mid-body' | 'garbage';

export interface MisbehavingApp {
  readonly port: number;
  /** How every later request is answered. */
  setMode(mode: AppMode): Promise<void>;
  /** Connections holding a request the app has not finished answering (e.g. the agent's, to a slow app). */
  busyConnections(): Promise<number>;
}

export async function startMisbehavingApp(t: Test): Promise<MisbehavingApp> {
  const proc = spawn(`${repoRoot}test/fixtures/status/misbehaving-app.mjs`, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  t.teardown(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    proc.stdout!.setEncoding('utf8').on('data', (c: string) => {
      text += c;
      if (text.includes('\n')) resolve((JSON.parse(text.split('\n')[0]!) as { port: number }).port);
    });
    proc.once('exit', () => reject(new Error('misbehaving app exited before listening')));
  });
  return {
    port,
    setMode: async (mode) => void (await httpRequest('GET', port, `/_mode/${mode}`)),
    busyConnections: async () => Number((await httpRequest('GET', port, '/_busy')).body),
  };
}
