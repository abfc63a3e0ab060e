// Exit statuses of `wait` and `request` beyond the agent's usual 0 / 1 / 2 (bad input).

/** Not ready in time, or a `request` that failed: Istio's commands exit 255 (cobra's os.Exit(-1)),
 *  which is what operators see in FailedPostStartHook events, so we keep it. */
export const EXIT_NOT_READY = 255;
export const EXIT_REQUEST_FAILED = 255;

/** `wait -- cmd` whose command cannot be started: the shell's conventions. */
export const EXIT_COMMAND_NOT_FOUND = 127;
export const EXIT_COMMAND_NOT_EXECUTABLE = 126;

/** A process ended by signal n reports 128 + n, as a shell does. */
export function exitCodeForSignal(signalNumber: number): number {
  return 128 + signalNumber;
}
