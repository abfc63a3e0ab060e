// One HTTP request on a listener with an http_connection_manager: route it, answer it, and add
// "Connection: close" when the drain manager says this connection should go.

import type http from 'node:http';
import type { ListenerConfig } from '../config/listeners.js';
import { findRoute, findVirtualHost } from './route-match.js';
import type { ListenerDeps } from './served-listener.js';
import { forward, NO_HEALTHY_UPSTREAM } from './upstream.js';

export function handleHttpRequest(
  config: ListenerConfig,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  deps: ListenerDeps,
): void {
  const prefix = `http.${config.http!.statPrefix}`;
  deps.stats.inc(`${prefix}.downstream_rq_total`);
  const respond = (status: number, headers: http.OutgoingHttpHeaders, body: NodeJS.ReadableStream | string) => {
    deps.stats.inc(`${prefix}.downstream_rq_${Math.floor(status / 100)}xx`);
    deps.stats.inc(`${prefix}.downstream_rq_completed`);
    const out: http.OutgoingHttpHeaders = { ...headers, server: 'envoy' };
    if (deps.drain.drainClose(config.drainType, config.direction)) out.connection = 'close';
    if (typeof body === 'string') {
      out['content-length'] = Buffer.byteLength(body);
      res.writeHead(status, out).end(body);
    } else {
      res.writeHead(status, out);
      body.pipe(res);
    }
  };
  const vh = findVirtualHost(config.http!.routes, req.headers.host ?? '');
  const route = vh ? findRoute(vh, req.url ?? '/') : undefined;
  if (!route) {
    req.resume();
    respond(404, {}, '');
    return;
  }
  const action = route.action;
  if (action.kind === 'direct') {
    req.resume();
    respond(action.status, action.body !== undefined ? { 'content-type': 'text/plain' } : {}, action.body ?? '');
    return;
  }
  const cluster = deps.clusters.get(action.cluster);
  if (!cluster) {
    req.resume();
    respond(NO_HEALTHY_UPSTREAM.status, {}, '');
    return;
  }
  let path = req.url ?? '/';
  if (action.prefixRewrite !== undefined && route.prefix !== undefined) {
    path = action.prefixRewrite + path.slice(route.prefix.length);
  }
  forward(cluster, path, req, respond, deps.stats);
}
