import { constants } from 'node:os';
import type { Logger } from 'pino';
import { routeSignals, type AgentSignal } from '../init/index.js';
import { EXIT_NOT_READY, exitCodeForSignal } from './exit-codes.js';
import { startCommand, type RunningCommand } from './run-command.js';
import { stopProxy } from './stop-proxy.js';
import { waitUntilReady, type WaitOptions } from './until-ready.js';

// `pilot-agent wait [-- cmd]`: hold until the proxy is ready, then (optionally) run the command.
// Signals are ours from the start: before the command runs, one ends the wait (128 + n, the command
// never starts — what the app would have suffered without the wrapper); afterwards each is passed on.

export interface WaitThenRunOptions extends Omit<WaitOptions, 'cancel' | 'onNotReady'> {
  /** The command to run once ready; none for the plain postStart-hook form. */
  readonly command?: readonly string[];
  /** --stopProxyOnExit: the agent's status port, told to quit once the wrapper is done with the command. */
  readonly stopProxyStatusPort?: number;
  readonly log: Pick<Logger, 'info' | 'debug'>;
  /** Where the one-line failures go (stderr in the CLI). */
  readonly report: (line: string) => void;
}

export async function waitThenRun(opts: WaitThenRunOptions): Promise<number> {
  const code = await waitThenRunCommand(opts);
  // Also when the command never ran (not ready, a signal): a proxy left running would hold the Job's pod forever.
  if (opts.command && opts.stopProxyStatusPort !== undefined) {
    const failure = await stopProxy(opts.stopProxyStatusPort);
    if (failure) opts.report(failure);
    else opts.log.info({ statusPort: opts.stopProxyStatusPort, exitCode: code }, 'asked the proxy to stop (POST /quitquitquit)');
  }
  return code;
}

async function waitThenRunCommand(opts: WaitThenRunOptions): Promise<number> {
  const cancel = new AbortController();
  let stoppedBy: AgentSignal | undefined;
  let child: RunningCommand | undefined;
  const unroute = routeSignals((signal) => {
    if (child) return child.forward(signal);
    stoppedBy ??= signal;
    cancel.abort();
  });
  try {
    opts.log.info({ url: opts.url, timeoutMs: opts.timeoutMs }, 'Waiting for Envoy proxy to be ready');
    const result = await waitUntilReady({
      url: opts.url,
      timeoutMs: opts.timeoutMs,
      periodMs: opts.periodMs,
      requestTimeoutMs: opts.requestTimeoutMs,
      cancel: cancel.signal,
      onNotReady: (reason) => opts.log.debug({ reason }, 'Not ready yet'),
    });
    // A signal that raced with the last, successful attempt still wins: the command must not start.
    if (result.outcome === 'cancelled' || stoppedBy) {
      const signal = stoppedBy ?? 'SIGTERM';
      opts.report(`stopped by ${signal} while waiting for Envoy proxy to become ready${opts.command ? '; the command was not started' : ''}`);
      return exitCodeForSignal(constants.signals[signal]);
    }
    if (result.outcome === 'timeout') {
      opts.report(`timeout waiting for Envoy proxy to become ready. Last error: ${result.lastError}`);
      return EXIT_NOT_READY;
    }
    opts.log.info({ attempts: result.attempts }, 'Envoy is ready!');
    if (!opts.command) return 0;
    child = startCommand(opts.command, opts.report);
    opts.log.info({ command: opts.command, childPid: child.pid }, 'command started');
    return await child.exited;
  } finally {
    unroute();
  }
}
