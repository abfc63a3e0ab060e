// The real Envoy the real-Envoy tests and benchmarks run: ENVOY_BINARY when set (another build), otherwise the
// pinned 1.40 that `scripts/install-envoy.sh` (run by pretest and .ci/run) links to .envoy/bin/envoy.
// A missing binary is a failure that says how to fix it, never a skip.
import { execFileSync } from 'node:child_process';
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
