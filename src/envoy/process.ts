import { constants } from 'node:os';
import { execa } from 'execa';
import { LineTail, forwardLines } from './output.js';

export interface EnvoyExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Shell-style status: the exit code, 128 + signal number, 127/126 when it could not be started. */
  readonly status: number;
  readonly spawnError?: string;
}

export interface EnvoyProcess {
  readonly epoch: number;
  readonly pid: number | undefined;
  readonly exited: Promise<EnvoyExit>;
  /** The last lines envoy wrote to stderr. */
  readonly stderrTail: LineTail;
  /** Signal envoy's whole process group (envoy and anything it started). */
  signal(sig: NodeJS.Signals): void;
}

/**
 * Start one envoy epoch. execa's defaults are wrong for a supervisor, so each is decided here:
 * no `cleanup` (signal-exit re-raises SIGTERM, which PID 1 drops), no automatic force-kill (it would
 * cut a drain), never reject (an exit is an event, not an exception), no buffering (envoy logs forever),
 * and a process group of its own so a signal reaches envoy's children too.
 */
export function startEnvoy(binaryPath: string, args: readonly string[], epoch: number): EnvoyProcess {
  const child = execa(binaryPath, args, {
    cleanup: false,
    forceKillAfterDelay: false,
    reject: false,
    buffer: false,
    detached: true,
    stdin: 'ignore',
    stdout: 'inherit',
    stderr: 'pipe',
  });
  const stderrTail = new LineTail();
  if (child.stderr) forwardLines(child.stderr, process.stderr, stderrTail);
  // The 'exit' event, not execa's promise: the promise also waits for stdio to close, which a
  // grandchild holding envoy's stderr could delay indefinitely.
  const exited = new Promise<EnvoyExit>((resolve) => {
    child.once('exit', (code, signal) => {
      const status = signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
      resolve({ code, signal, status });
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a late error from a running child is not a spawn failure
      resolve({ code: null, signal: null, status: err.code === 'EACCES' ? 126 : 127, spawnError: err.message });
    });
  });
  void child.catch(() => undefined);
  return {
    epoch,
    pid: child.pid,
    exited,
    stderrTail,
    signal(sig) {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is already gone: the exit event is on its way.
      }
    },
  };
}
