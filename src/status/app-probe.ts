import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { HttpProber, Prober, TcpProber } from '../config/app-probes.js';

/**
 * Run one app probe the way kubelet would have: the answer is the app's status code (an HTTP probe) or
 * 200/500 (a TCP probe); a transport error or timeout is 500. Only the configured target is reachable.
 */
export function runProbe(prober: Prober): Promise<number> {
  return prober.kind === 'http' ? httpProbe(prober) : tcpProbe(prober);
}

function httpProbe(p: HttpProber): Promise<number> {
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
        timeout: p.timeoutMs,
        rejectUnauthorized: false, // kubelet does not verify probe certificates either
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 500);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(500));
    req.end();
  });
}

function tcpProbe(p: TcpProber): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: p.host, port: p.port, timeout: p.timeoutMs });
    const done = (status: number): void => {
      socket.destroy();
      resolve(status);
    };
    socket.once('connect', () => done(200));
    socket.once('timeout', () => done(500));
    socket.once('error', () => done(500));
  });
}
