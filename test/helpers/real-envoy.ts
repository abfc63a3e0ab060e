// The real Envoy the real-Envoy tests and benchmarks run: ENVOY_BINARY when set (another build), otherwise the
// pinned 1.40 that `scripts/install-envoy.sh` (run by pretest and .ci/run) links to .envoy/bin/envoy.
// A missing binary is a failure that says how to fix it, never a skip.
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { repoRoot } from './agent.js';

export const pinnedEnvoyVersion = '1.40.0';

export function realEnvoyBinary(): string {
  const bin = process.env.ENVOY_BINARY || `${repoRoot}.envoy/bin/envoy`;
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(
      process.env.ENVOY_BINARY
        ? `ENVOY_BINARY=${bin} is not an executable file`
        : `real Envoy not installed at ${bin}: run \`bash scripts/install-envoy.sh\` (npm test does it in pretest) or set ENVOY_BINARY`,
    );
  }
  return bin;
}

/** `envoy --version` of the binary in use, e.g. "1.40.0". */
export function realEnvoyVersion(bin = realEnvoyBinary()): string {
  const out = execFileSync(bin, ['--version'], { encoding: 'utf8' });
  const m = /\/(\d+\.\d+\.\d+)\//.exec(out);
  if (!m) throw new Error(`${bin} --version printed no version: ${out.trim()}`);
  return m[1]!;
}

export interface RealVerdict {
  readonly ok: boolean;
  /** Envoy's output: the critical line says why it rejected. */
  readonly output: string;
}

/**
 * `envoy --mode validate -c <file>` on the real binary. Validate mode runs no hot restarter, so it needs
 * no --base-id and concurrent runs do not share memory (checked by the corpus test running several at once).
 */
export function realEnvoyValidate(file: string, bin = realEnvoyBinary()): Promise<RealVerdict> {
  return new Promise((resolve) => {
    execFile(bin, ['--mode', 'validate', '-c', file, '-l', 'warning'], { timeout: 60_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      resolve({ ok: err === null, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** Run `work` over `items` with at most `limit` at a time (a small pool: the machine has 2 cores). */
export async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
