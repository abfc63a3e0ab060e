// Clients that are slow on purpose, over raw sockets: a slowloris that dribbles its request headers
// a byte at a time, and a connection that sends nothing. Each resolves when the server closes it.
import { connect, type Socket } from 'node:net';

export interface SlowOutcome {
  /** What the server sent before closing. */
  readonly received: string;
  /** Header bytes dribbled before the server closed (the dribbler stops at its maximum). */
  readonly dribbled: number;
}

/** Start a request and then send one more header byte every `everyMs`, never finishing the headers. */
export function slowloris(port: number, everyMs: number, maxBytes: number, opened?: (s: Socket) => void): Promise<SlowOutcome> {
  return new Promise((resolve) => {
    let received = '';
    let dribbled = 0;
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /healthz/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      timer = setInterval(() => {
        if (dribbled >= maxBytes) return clearInterval(timer);
        dribbled++;
        socket.write('a');
      }, everyMs);
      opened?.(socket);
    });
    socket.setEncoding('latin1').on('data', (c: string) => (received += c));
    socket.on('error', () => undefined); // a write racing the server's close: the close tells the outcome
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ received, dribbled });
    });
  });
}

/** Connect and send nothing; resolves with what the server sent when it closed the connection. */
export function silentConnection(port: number): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('latin1').on('data', (c: string) => (received += c));
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(received));
  });
}

/** One request on a kept-alive connection, then idle; resolves with the response once the server closes it. */
export function idleKeepAlive(port: number, onAnswer?: () => void): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n'));
    socket.setEncoding('latin1').on('data', (c: string) => {
      received += c;
      if (received.includes('\r\n\r\n')) onAnswer?.();
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(received));
  });
}
