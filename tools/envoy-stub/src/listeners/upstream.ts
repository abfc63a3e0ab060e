// Forwarding one HTTP request to a cluster endpoint and relaying the answer, with the local
// replies Envoy sends when that fails.

import type * as Http from 'node:http';
import type { ClusterConfig } from '../config/clusters.js';
import type { StatsStore } from '../stats/store.js';

// node:http as Node's CommonJS object: an ESM import of it reads every export, and its lazy WebSocket
// getters load Node's bundled undici (~70 ms of CPU in each process, Node 22–24).
const http: typeof Http = process.getBuiltinModule('node:http');

export interface LocalReply {
  readonly status: number;
  readonly body: string;
}

export const NO_HEALTHY_UPSTREAM: LocalReply = { status: 503, body: 'no healthy upstream' };

function connectFailure(err: NodeJS.ErrnoException): LocalReply {
  const reason = err.code === 'ECONNREFUSED' ? 'Connection refused' : (err.code ?? err.message);
  return {
    status: 503,
    body: `upstream connect error or disconnect/reset before headers. reset reason: remote connection failure, transport failure reason: delayed connect error: ${reason}`,
  };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/** Round-robin over the cluster's endpoints, one cursor per cluster. */
const cursors = new Map<string, number>();

export function forward(
  cluster: ClusterConfig,
  path: string,
  req: Http.IncomingMessage,
  respond: (status: number, headers: Http.OutgoingHttpHeaders, body: NodeJS.ReadableStream | string) => void,
  stats: StatsStore,
): void {
  if (cluster.endpoints.length === 0) {
    respond(NO_HEALTHY_UPSTREAM.status, { 'content-type': 'text/plain' }, NO_HEALTHY_UPSTREAM.body);
    return;
  }
  const i = (cursors.get(cluster.name) ?? 0) % cluster.endpoints.length;
  cursors.set(cluster.name, i + 1);
  const target = cluster.endpoints[i]!;
  const headers: Http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
  headers['x-forwarded-proto'] = 'http';
  headers['x-envoy-expected-rq-timeout-ms'] = '15000';
  const started = Date.now();
  stats.inc(`cluster.${cluster.name}.upstream_rq_total`);
  stats.inc(`cluster.${cluster.name}.upstream_cx_total`);
  const upstream = http.request(
    { host: target.address, port: target.port, method: req.method, path, headers, agent: false },
    (res) => {
      const out: Http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(res.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
      out['x-envoy-upstream-service-time'] = String(Date.now() - started);
      stats.inc(`cluster.${cluster.name}.upstream_rq_completed`);
      stats.inc(`cluster.${cluster.name}.upstream_rq_${Math.floor((res.statusCode ?? 500) / 100)}xx`);
      respond(res.statusCode ?? 502, out, res);
    },
  );
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    stats.inc(`cluster.${cluster.name}.upstream_cx_connect_fail`);
    const reply = connectFailure(err);
    respond(reply.status, { 'content-type': 'text/plain' }, reply.body);
  });
  req.pipe(upstream);
}
