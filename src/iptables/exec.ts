// Running iptables-restore, iptables-save and ip: wait for the exit, keep both outputs, and turn
// a missing binary or a failure into one clear line that carries the tool's own stderr.
import { spawn } from 'node:child_process';
import { AgentError, ErrorCodes } from '../errors/index.js';

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export type Exec = (cmd: string, args: readonly string[]) => Promise<ExecResult>;

const packageOf: Record<string, string> = {
  ip: 'iproute2',
};

function notFound(cmd: string): AgentError {
  const pkg = packageOf[cmd] ?? 'iptables';
  return new AgentError(ErrorCodes.SPAWN, `${cmd} not found in PATH; istio-iptables needs it to apply the rules (Debian package: ${pkg})`);
}

/** Spawn and collect; only a binary that cannot be started rejects. */
export const spawnExec: Exec = (cmd, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? notFound(cmd) : new AgentError(ErrorCodes.SPAWN, `cannot run ${cmd}: ${e.message}`));
    });
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : null), stdout, stderr }));
  });

/** The command as Istio prints it: `<cmd> <args joined by spaces>` (so `iptables-save ` keeps its space). */
export function commandLine(cmd: string, args: readonly string[]): string {
  return `${cmd} ${args.join(' ')}`;
}

/** One line: what failed, its exit status, and what the tool said. */
export function failure(cmd: string, args: readonly string[], result: ExecResult): AgentError {
  const said = result.stderr.trim().split('\n').map((l) => l.trim()).filter(Boolean).join('; ');
  const hint = /permission denied|operation not permitted|you must be root/i.test(said) ? ' (needs root or CAP_NET_ADMIN in the pod\'s network namespace)' : '';
  return new AgentError(
    ErrorCodes.SPAWN,
    `${commandLine(cmd, args).trim()} failed with exit status ${result.code ?? 'unknown'}${said ? `: ${said}` : ''}${hint}`,
  );
}

/** Run and insist on success. */
export async function runOrFail(exec: Exec, cmd: string, args: readonly string[]): Promise<ExecResult> {
  const result = await exec(cmd, args);
  if (result.code !== 0) throw failure(cmd, args, result);
  return result;
}
