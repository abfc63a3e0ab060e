// A client over raw node:net sockets that hangs up at an exact point of a response: before any
// answer, once the headers are in, or once some text has arrived. What a Prometheus scrape timeout,
// `curl | head` or an impatient load balancer does to the status server.
import { connect, type Socket } from 'node:net';

export type HangUpPoint =
  | { readonly when: 'after-sending' }
  | { readonly when: 'after-headers' }
  /** Once the received text contains this (a marker of one stage of the body). */
  | { readonly when: 'after-text'; readonly text: string };

export interface HangUp {
  /** What was received before hanging up. */
  readonly received: string;
}

/** GET `path` on 127.0.0.1:`port`, then hang up at `point`: a FIN (`close`) or a TCP reset (`reset`). */
export function getThenHangUp(port: number, path: string, point: HangUpPoint, how: 'close' | 'reset' = 'close', headers: Record<string, string> = {}): Promise<HangUp> {
  return new Promise((resolve, reject) => {
    let received = '';
    let done = false;
    const socket: Socket = connect(port, '127.0.0.1');
    const hangUp = (): void => {
      if (done) return;
      done = true;
      if (how === 'reset') socket.resetAndDestroy();
      else socket.destroy();
      resolve({ received });
    };
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.once('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`);
      if (point.when === 'after-sending') hangUp();
    });
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      received += chunk;
      if (point.when === 'after-headers' && received.includes('\r\n\r\n')) hangUp();
      if (point.when === 'after-text' && received.includes(point.text)) hangUp();
    });
    socket.on('error', (e) => (done ? undefined : reject(e)));
    socket.once('close', () => (done ? undefined : reject(new Error(`the server closed first; received: ${received.slice(0, 300)}`))));
  });
}
