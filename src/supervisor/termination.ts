import { writeFileSync } from 'node:fs';
import type { EnvoyExit } from '../envoy/process.js';

// Kubernetes shows at most 4096 bytes of a termination message.
const maxBytes = 4096;

export interface GiveUpReport {
  readonly epoch: number;
  readonly exit: EnvoyExit;
  readonly failures: number;
  readonly stderr: readonly string[];
}

/** Compose the message `kubectl describe pod` shows, and write it where kubelet looks, when it can. */
export function writeTerminationMessage(path: string, report: GiveUpReport): string {
  const message = composeMessage(report);
  try {
    writeFileSync(path, message);
  } catch {
    // Not in a pod, or the path is not writable: the log line carries the same text.
  }
  return message;
}

export function composeMessage({ epoch, exit, failures, stderr }: GiveUpReport): string {
  let how: string;
  if (exit.spawnError) how = `could not be started (${exit.spawnError})`;
  else if (exit.signal) how = `was killed by ${exit.signal}${exit.signal === 'SIGKILL' ? ' (possibly out of memory: check the container memory limit)' : ''}`;
  else how = `exited with code ${exit.code}`;
  const head = `envoy (epoch ${epoch}) ${how}; gave up after ${failures} consecutive failed starts.`;
  const lines = stderr.length ? `\nlast envoy stderr lines:\n${stderr.join('\n')}` : '';
  const text = `${head}${lines}\n`;
  if (Buffer.byteLength(text) <= maxBytes) return text;
  // Keep the head and the newest lines: those explain the failure.
  let tail = text.slice(-(maxBytes - head.length - 8));
  tail = tail.slice(tail.indexOf('\n') + 1);
  return `${head}\n...\n${tail}`;
}
