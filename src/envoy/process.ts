import { constants } from 'node:os';
import { execa } from 'execa';

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
    stderr: 'inherit',
  });
  const exited = child.then((r): EnvoyExit => {
    const sig = r.signal ?? null;
    const errno = (r.cause as NodeJS.ErrnoException | undefined)?.code;
    if (r.exitCode === undefined && sig === null) {
      return { code: null, signal: null, status: errno === 'EACCES' ? 126 : 127, spawnError: r.shortMessage };
    }
    const status = sig ? 128 + (constants.signals[sig as keyof typeof constants.signals] ?? 0) : (r.exitCode ?? 1);
    return { code: r.exitCode ?? null, signal: sig, status };
  });
  return {
    epoch,
    pid: child.pid,
    exited,
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
