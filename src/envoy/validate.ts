import { execa } from 'execa';

export interface Verdict {
  readonly ok: boolean;
  readonly reason: string;
}

/** `envoy --mode validate -c <file>`: envoy's own verdict on a bootstrap, before any hot restart. */
export async function validateWithEnvoy(binaryPath: string, file: string): Promise<Verdict> {
  const r = await execa(binaryPath, ['--mode', 'validate', '-c', file], {
    reject: false,
    cleanup: false,
    all: true,
    stdin: 'ignore',
    timeout: 60_000,
    forceKillAfterDelay: 1_000,
  });
  if (r.exitCode === 0) return { ok: true, reason: '' };
  const lines = String(r.all ?? '').trim().split('\n').filter(Boolean);
  return { ok: false, reason: `envoy --mode validate failed (${r.exitCode ?? r.signal}): ${lines.slice(-3).join(' | ') || r.shortMessage}` };
}
