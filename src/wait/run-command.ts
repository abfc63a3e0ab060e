import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { EXIT_COMMAND_NOT_EXECUTABLE, EXIT_COMMAND_NOT_FOUND, exitCodeForSignal } from './exit-codes.js';

// `wait -- cmd`: Node cannot exec(2) itself away, so the command runs as our only child with the
// terminal/stdio inherited; we pass every signal on and exit with its status. As PID 1 the agent's
// reaper (installed by main) also collects the orphans the command leaves behind.

/** Forwarded in addition to the agent signals (which arrive through routeSignals). */
const extraSignals: readonly NodeJS.Signals[] = ['SIGWINCH', 'SIGALRM'];

export interface RunningCommand {
  readonly pid: number | undefined;
  /** The status to exit with: the command's code, 128 + signal, or 126/127 if it never started. */
  readonly exited: Promise<number>;
  /** Pass a signal on; ignored once the command is gone. */
  forward(signal: NodeJS.Signals): void;
}

export function startCommand(argv: readonly string[], report: (line: string) => void): RunningCommand {
  const [file, ...args] = argv as [string, ...string[]];
  const child = spawn(file, args, { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals): void => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      child.kill(signal);
    } catch {
      // raced with its exit
    }
  };
  const listeners = extraSignals.map((s) => [s, () => forward(s)] as const);
  for (const [s, l] of listeners) process.on(s, l);

  const exited = new Promise<number>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill(), not a failed start; 'exit' still comes
      const notFound = err.code === 'ENOENT';
      report(`cannot run ${JSON.stringify(file)}: ${notFound ? 'no such file or command' : (err.code ?? err.message)}`);
      resolve(notFound ? EXIT_COMMAND_NOT_FOUND : EXIT_COMMAND_NOT_EXECUTABLE);
    });
    child.once('exit', (code, signal) => {
      resolve(signal ? exitCodeForSignal(constants.signals[signal]) : (code ?? 0));
    });
  }).finally(() => {
    for (const [s, l] of listeners) process.off(s, l);
  });
  return { pid: child.pid, exited, forward };
}
