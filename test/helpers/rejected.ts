// Shared by the bad-input tests: what "rejected at start" means, and an envoy that records being started.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { type RunResult } from './agent.js';
import { freePort } from './net.js';

/** Bad input: exit 2, exactly one stderr line matching `expect`, no stack trace, nothing on stdout. */
export function assertRejected(t: Test, r: RunResult, expect: RegExp): void {
  t.equal(r.code, 2, 'exit code 2 (null: killed after the timeout, i.e. it hung)');
  t.match(r.stderr, expect, 'names what is wrong');
  t.equal(r.stderr.trimEnd().split('\n').length, 1, `exactly one line on stderr: ${JSON.stringify(r.stderr.slice(0, 300))}`);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  t.equal(r.stdout, '', 'nothing on stdout');
}

/** Bounded run for inputs that once hung or crash-looped: a regression fails instead of hanging. */
export const hangTimeout = { timeoutMs: 20_000 };

export interface SpyEnvoy {
  readonly bin: string;
  /** True once the agent has started this "envoy". */
  started(): boolean;
}

/** An executable standing in for envoy that leaves a mark when run, then fails. */
export function spyEnvoy(dir: string): SpyEnvoy {
  const bin = join(dir, 'envoy');
  const mark = join(dir, 'envoy-was-started');
  writeFileSync(bin, `#!/bin/sh\necho "$$" >> '${mark}'\nexit 1\n`);
  chmodSync(bin, 0o755);
  return { bin, started: () => existsSync(mark) };
}

/** `proxy` arguments with every port from the OS and a config dir of the test's own, for `dir`'s spy envoy. */
export async function proxyArgs(dir: string, envoy: SpyEnvoy): Promise<{ args: string[]; env: Record<string, string> }> {
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await freePort()); // released ports may come back: insist on four distinct
  const [status, admin, health, prom] = [...ports];
  return {
    // Restart delivery: tap's test dirs are too long for an SDS socket path (a check of its own, in bad-files).
    args: ['proxy', '--binaryPath', envoy.bin, '--configPath', join(dir, 'config'), '--certDelivery', 'restart', '--statusPort', String(status), '--proxyAdminPort', String(admin)],
    env: { ENVOY_STATUS_PORT: String(health), ENVOY_PROMETHEUS_PORT: String(prom) },
  };
}
