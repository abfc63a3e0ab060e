import { spawn } from 'node:child_process';
import { constants } from 'node:os';
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
 * Start one envoy epoch with node:child_process itself. execa (~100 ms and 13 MiB of loading on the start
 * path) brought nothing a long-lived child needs: no buffering (envoy logs forever), no promise (an exit is an
 * event, not an exception), no cleanup handler (signal-exit re-raises SIGTERM, which PID 1 drops) and no
 * force-kill timer (it would cut a drain). A process group of its own, so a signal reaches envoy's children too.
 */
export function startEnvoy(binaryPath: string, args: readonly string[], epoch: number): EnvoyProcess {
  const child = spawn(binaryPath, args, { detached: true, stdio: ['ignore', 'inherit', 'pipe'] });
  const stderrTail = new LineTail();
  // A pipe error (EPIPE, EIO) must not become an uncaught 'error' in PID 1; the exit still arrives.
  child.stderr.on('error', () => undefined);
  forwardLines(child.stderr, process.stderr, stderrTail);
  // The 'exit' event, not 'close': 'close' also waits for stdio to close, which a grandchild holding
  // envoy's stderr could delay indefinitely.
  const exited = new Promise<EnvoyExit>((resolve) => {
    child.once('exit', (code, signal) => {
      const status = signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
      resolve({ code, signal, status });
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a late error (a failed kill) from a running child is not a spawn failure
      resolve({ code: null, signal: null, status: err.code === 'EACCES' ? 126 : 127, spawnError: err.message });
    });
  });
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
