// ENVOY_STUB_PROMETHEUS_FAULT_FILE: /stats/prometheus misbehaves the way a sick or overloaded envoy
// can, so the agent's metrics relay can be abused at each stage of a response. The file is read on
// every request (a test switches modes on one running stub); missing or empty means no fault.

import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

export const prometheusFaults = ['big', 'slow-headers', 'slow-body', 'reset-before-headers', 'reset-mid-body', 'close-mid-body', 'garbage'] as const;
export type PrometheusFault = (typeof prometheusFaults)[number];

export function currentPrometheusFault(file: string | undefined): PrometheusFault | undefined {
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
  return (prometheusFaults as readonly string[]).includes(text) ? (text as PrometheusFault) : undefined;
}

const line = (i: number): string => `envoy_stub_padding_total{series="${i}"} ${i}\n`;

/** Answer (or not) with the fault; `body` is what a healthy envoy would have sent. */
export function misbehave(fault: PrometheusFault, res: ServerResponse, body: string): void {
  const socket = res.socket!;
  switch (fault) {
    case 'big': {
      // ~4 MiB after the real stats: a scrape is still mid-body from envoy long after its first bytes.
      const lines: string[] = [body];
      for (let i = 0, size = 0; size < 4 * 1024 * 1024; i++) size += lines[lines.push(line(i)) - 1]!.length;
      const all = lines.join('');
      res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', 'content-length': Buffer.byteLength(all) });
      res.end(all);
      return;
    }
    case 'slow-headers':
      return; // read, never answered; the socket closes when the peer gives up
    case 'slow-body': {
      res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
      let i = 0;
      const timer = setInterval(() => res.write(line(i++)), 20);
      res.once('close', () => clearInterval(timer));
      return;
    }
    case 'reset-before-headers':
      socket.resetAndDestroy();
      return;
    case 'reset-mid-body':
    case 'close-mid-body':
      // Cut in the middle of a sample's name: what a reader gets is a half line.
      res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', 'content-length': 100_000 });
      res.write(body.slice(0, body.indexOf('\nenvoy_', 500) + 10));
      setTimeout(() => (fault === 'reset-mid-body' ? socket.resetAndDestroy() : socket.end()), 20);
      return;
    case 'garbage':
      socket.end('this is not HTTP at all\r\n\r\n\x00\x01\x02');
      return;
  }
}
