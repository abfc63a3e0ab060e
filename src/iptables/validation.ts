// --run-validation: prove that capture works, as Istio's validator does. Listen on localhost at the
// two Envoy ports, connect (as the proxy user) to 127.0.0.6:<probe port>, and succeed when a
// connection arrives whose original destination port is the probe port — only the loopback
// redirect rule can have brought it there.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { originalDestination } from './original-dst.js';

export const VALIDATION_FAILED_EXIT = 126;

export interface ValidationOptions {
  readonly hostIp: string;
  readonly ipv6: boolean;
  readonly ports: readonly string[];
  readonly probePort: number;
  readonly timeoutMs: number;
  readonly out: (line: string) => void;
  readonly signal?: AbortSignal;
}

export type ValidationOutcome = { ok: true } | { ok: false; reason: string };

const joinHostPort = (host: string, port: number | string): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export async function validate(options: ValidationOptions): Promise<ValidationOutcome> {
  const { out, ipv6, probePort } = options;
  out(`in new validator: ${options.hostIp}`);
  const listenIp = ipv6 ? '::1' : '127.0.0.1';
  const probeIp = ipv6 ? '::6' : '127.0.0.6';
  const servers: Server[] = [];
  const accepted = new Set<Socket>();
  let client: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<ValidationOutcome>((resolve) => {
      const onConnection = (socket: Socket): void => {
        accepted.add(socket);
        socket.on('error', () => {});
        socket.once('close', () => accepted.delete(socket));
        try {
          const original = originalDestination(socket);
          out(`local addr ${joinHostPort(socket.localAddress ?? '', socket.localPort ?? 0)}`);
          out(`original addr ${joinHostPort(socket.remoteAddress ?? '', original.port)}`);
          socket.end(String(original.port));
          if (original.port === probePort) resolve({ ok: true });
        } catch (e) {
          out(`Error getting original dst: ${(e as Error).message}`);
          socket.destroy();
        }
      };
      const probe = (): void => {
        const target = joinHostPort(probeIp, probePort);
        const socket = connect({ host: probeIp, port: probePort, localAddress: listenIp });
        socket.once('connect', () => socket.end());
        socket.on('error', (e) => out(`Error connecting to ${target}: ${e.message}`));
      };
      const listening = options.ports.map((port) => listen(listenIp, Number(port), onConnection, out));
      void Promise.all(listening).then((opened) => {
        for (const s of opened) if (s) servers.push(s);
        if (servers.length === 0) {
          resolve({ ok: false, reason: `no listener available: ${options.ports.map((p) => joinHostPort(listenIp, p)).join(',')}` });
          return;
        }
        probe();
        client = setInterval(probe, 1_000);
      });
      timer = setTimeout(() => resolve({ ok: false, reason: `timeout after ${options.timeoutMs}ms: no connection to ${joinHostPort(probeIp, probePort)} was redirected to ${options.ports.join(' or ')}` }), options.timeoutMs);
      options.signal?.addEventListener('abort', () => resolve({ ok: false, reason: 'interrupted by a signal' }), { once: true });
    });
  } finally {
    clearInterval(client);
    clearTimeout(timer);
    for (const socket of accepted) socket.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

function listen(host: string, port: number, onConnection: (s: Socket) => void, out: (line: string) => void): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer(onConnection);
    out(`Listening on ${joinHostPort(host, port)}`);
    server.once('error', (e) => {
      out(`Error on listening: ${e.message}`);
      resolve(undefined);
    });
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}
