import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { HttpProber, Prober, TcpProber } from '../config/app-probes.js';

// node:http as Node's CommonJS object: an ESM import of it reads every export, and its lazy WebSocket
// getters load Node's bundled undici (~70 ms of CPU in each process, Node 22–24).
const { request: httpRequest } = process.getBuiltinModule('node:http');

/**
 * Run one app probe the way kubelet would have: the answer is the app's status code (an HTTP probe) or
 * 200/500 (a TCP probe); a transport error or timeout is 500. Only the configured target is reachable.
 * The probe's timeout bounds the whole exchange, and `cancel` (the prober hung up) ends it at once:
 * the app's connection is never held longer than the probe needs it.
 */
export function runProbe(prober: Prober, cancel?: AbortSignal): Promise<number> {
  return prober.kind === 'http' ? httpProbe(prober, cancel) : tcpProbe(prober, cancel);
}

function httpProbe(p: HttpProber, cancel: AbortSignal | undefined): Promise<number> {
  return new Promise((resolve) => {
    const send = p.scheme === 'https' ? httpsRequest : httpRequest;
    const req = send(
      {
        host: p.host,
        port: p.port,
        path: p.path,
        method: 'GET',
        headers: { 'user-agent': 'kube-probe/1.x (pilot-agent)', ...p.headers },
        agent: false,
        ...(cancel ? { signal: cancel } : {}),
        rejectUnauthorized: false, // kubelet does not verify probe certificates either
      },
      (res) => {
        // As Istio, the status line is the answer; the body is read off and dropped. A reset or a
        // body that never ends is no concern of the probe's, but must not be an unheard 'error'.
        res.on('error', () => undefined);
        res.resume();
        resolve(res.statusCode ?? 500);
      },
    );
    // An absolute deadline, not the socket's idle timeout: an app dribbling a byte at a time would
    // otherwise hold the probe (and its connection) forever.
    const deadline = setTimeout(() => req.destroy(new Error('timeout')), p.timeoutMs);
    req.once('close', () => clearTimeout(deadline));
    req.on('error', () => resolve(500));
    req.end();
  });
}

function tcpProbe(p: TcpProber, cancel: AbortSignal | undefined): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: p.host, port: p.port, timeout: p.timeoutMs });
    const done = (status: number): void => {
      cancel?.removeEventListener('abort', abandon);
      socket.destroy();
      resolve(status);
    };
    const abandon = (): void => done(500);
    cancel?.addEventListener('abort', abandon, { once: true });
    socket.once('connect', () => done(200));
    socket.once('timeout', () => done(500));
    socket.on('error', () => done(500));
  });
}
