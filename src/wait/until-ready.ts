import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { exchange, ExchangeError } from './http-exchange.js';

// Istio's `pilot-agent wait` loop: GET the URL until it answers 200, bounded by an overall timeout.
// Differences on purpose: the first attempt is made at once (Istio waits one period first), so a
// proxy that is already ready — an app container restarting under `wait --` — costs no delay; and
// there is always at least one attempt, so the timeout line always has a last error to show.

export interface WaitOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly periodMs: number;
  readonly requestTimeoutMs: number;
  /** Stops the loop early (a signal arrived); the result then says `cancelled`. */
  readonly cancel?: AbortSignal;
  /** Told about each failed attempt (for a debug log line). */
  readonly onNotReady?: (reason: string) => void;
}

export type WaitResult =
  | { readonly outcome: 'ready'; readonly attempts: number }
  | { readonly outcome: 'timeout' | 'cancelled'; readonly attempts: number; readonly lastError: string };

export async function waitUntilReady(opts: WaitOptions): Promise<WaitResult> {
  const deadline = performance.now() + opts.timeoutMs;
  let attempts = 0;
  let lastError = 'no attempt made';
  for (;;) {
    if (opts.cancel?.aborted) return { outcome: 'cancelled', attempts, lastError };
    attempts++;
    // Like Istio, an attempt is never cut short by the overall deadline: a clipped attempt would
    // only ever report "no response", hiding the real last error.
    const reason = await attempt(opts.url, opts.requestTimeoutMs);
    if (reason === undefined) return { outcome: 'ready', attempts };
    lastError = reason;
    opts.onNotReady?.(reason);
    const left = deadline - performance.now();
    if (left <= 0) return { outcome: 'timeout', attempts, lastError };
    await sleep(Math.min(opts.periodMs, left), undefined, { signal: opts.cancel }).catch(() => undefined);
  }
}

/** One readiness check: undefined when ready, else why not ("503: draining", "connection refused"). */
export async function attempt(url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const res = await exchange({ method: 'GET', url, timeoutMs });
    if (res.status === 200) return undefined;
    const firstLine = res.body.trim().split('\n')[0]!.slice(0, 200);
    return firstLine ? `${res.status}: ${firstLine}` : `HTTP status code ${res.status}`;
  } catch (e) {
    if (e instanceof ExchangeError) return e.reason;
    throw e;
  }
}
