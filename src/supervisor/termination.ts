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
  const head = firstBytes(`envoy (epoch ${epoch}) ${how}; gave up after ${failures} consecutive failed starts.`, maxBytes / 2);
  const label = '\nlast envoy stderr lines:\n';
  const text = `${head}${stderr.length ? `${label}${stderr.join('\n')}` : ''}\n`;
  if (Buffer.byteLength(text) <= maxBytes) return text;
  // Kubernetes cuts bytes, not characters: keep the head and as many of the newest lines as fit.
  const cut = `${label}...\n`;
  let budget = maxBytes - Buffer.byteLength(head) - Buffer.byteLength(cut) - 1;
  const kept: string[] = [];
  for (let i = stderr.length - 1; i >= 0 && budget > 0; i--) {
    const line = stderr[i]!;
    const need = Buffer.byteLength(line) + (kept.length > 0 ? 1 : 0);
    if (need > budget) {
      if (kept.length === 0) kept.push(lastBytes(line, budget)); // even the newest line is too long: its end
      break;
    }
    kept.unshift(line);
    budget -= need;
  }
  return `${head}${cut}${kept.join('\n')}\n`;
}

/** Lead bytes of a UTF-8 sequence are never 10xxxxxx; those are continuation bytes. */
const isContinuation = (byte: number | undefined): boolean => byte !== undefined && (byte & 0xc0) === 0x80;

/** The longest start of `s` within `n` bytes that ends on a character boundary. */
function firstBytes(s: string, n: number): string {
  const b = Buffer.from(s);
  if (b.length <= n) return s;
  let end = n;
  while (end > 0 && isContinuation(b[end])) end--;
  return b.subarray(0, end).toString();
}

/** The longest end of `s` within `n` bytes that starts on a character boundary. */
function lastBytes(s: string, n: number): string {
  const b = Buffer.from(s);
  let start = Math.max(0, b.length - n);
  while (start < b.length && isContinuation(b[start])) start++;
  return b.subarray(start).toString();
}
