import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { flagError } from '../errors/index.js';
import type { AppMetricsTarget } from '../config/app-metrics.js';
import type { ProbeTable } from '../config/app-probes.js';
import { runProbe } from './app-probe.js';
import { isLoopback } from './loopback.js';
import { serveMergedMetrics, SourcePools } from './metrics-merge.js';
import { Readiness, type ReadinessSource } from './readiness.js';
import { slowClientLimits } from './slow-clients.js';

// node:http as Node's CommonJS object: an ESM import of it reads every export, and its lazy WebSocket
// getters load Node's bundled undici (~70 ms of CPU in each process, Node 22–24).
const { createServer } = process.getBuiltinModule('node:http');

/** Everything the status server needs, as values and callbacks: it knows nothing of the supervisor. */
export interface StatusServerOptions {
  readonly port: number;
  /** Empty: every interface. */
  readonly host: string;
  /** /app-health/<container>/<probe> → the probe kubelet would have run. */
  readonly probes: ProbeTable;
  readonly appMetrics: AppMetricsTarget | undefined;
  /** How long a client may take to send its request headers. */
  readonly headersBoundMs: number;
  readonly log: Logger;
  readonly readiness: ReadinessSource;
  /** Envoy's admin origin for the metrics merge, e.g. http://127.0.0.1:15000; undefined while no envoy runs. */
  readonly envoyOrigin: () => string | undefined;
  /** Changes when another envoy process takes the admin port (a hot restart's child is LIVE). */
  readonly envoyAdminGeneration?: () => number;
  /** POST /quitquitquit: drain and stop. */
  readonly onQuit: (why: string) => void;
  /** POST /drain: drain and keep running until the next shutdown request. */
  readonly onDrain: (why: string) => void;
}

/**
 * The agent's status server (--statusPort): readiness, merged metrics, app probes, quitquitquit and
 * drain. It keeps answering while the agent drains — app probes must not fail during termination.
 * Sizes and times are bounded (slow clients cannot hold it), and no response carries a stack trace.
 */
export async function startStatusServer(opts: StatusServerOptions): Promise<Server> {
  const readiness = new Readiness(opts.readiness);
  // Like Istio's "Envoy proxy is NOT ready", but once per change rather than once per probe: kubelet asks
  // every few seconds, and an unchanged answer says nothing new.
  let lastVerdict: { ready: boolean; reason: string } | undefined;
  const logChange = (v: { ready: boolean; reason: string }): void => {
    if (lastVerdict && lastVerdict.ready === v.ready && lastVerdict.reason === v.reason) return;
    lastVerdict = { ready: v.ready, reason: v.reason };
    if (v.ready) opts.log.info('Envoy proxy is ready');
    else opts.log.info({ reason: v.reason }, `Envoy proxy is NOT ready: ${v.reason}`);
  };
  const pools = new SourcePools();
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz/ready') {
      const v = await readiness.check();
      logChange(v);
      return reply(res, v.ready ? 200 : 503, v.ready ? '' : `${v.reason}\n`);
    }
    if (path === '/stats/prometheus' || path === '/metrics') {
      const timeout = req.headers['x-prometheus-scrape-timeout-seconds'];
      return serveMergedMetrics(res, { pools, envoyOrigin: opts.envoyOrigin, ...(opts.envoyAdminGeneration ? { envoyGeneration: opts.envoyAdminGeneration } : {}), app: opts.appMetrics, log: opts.log }, Array.isArray(timeout) ? timeout[0] : timeout);
    }
    if (path.startsWith('/app-health/')) {
      const prober = opts.probes.get(path);
      if (!prober) return reply(res, 400, `app prober config does not exist for ${path}\n`);
      // A prober that hangs up (its own timeout) ends the probe: the app's connection goes at once.
      const gone = new AbortController();
      const onClose = (): void => {
        if (res.writableFinished) return;
        gone.abort();
        opts.log.info({ path }, 'app probe abandoned by the client');
      };
      res.once('close', onClose);
      return reply(res, await runProbe(prober, gone.signal), '');
    }
    if (path === '/quitquitquit' || path === '/drain') {
      if (!isLoopback(req.socket.remoteAddress)) return reply(res, 403, 'Only requests from localhost are allowed\n');
      if (req.method !== 'POST') return reply(res, 405, 'Method Not Allowed, POST required\n');
      reply(res, 200, 'OK\n');
      if (path === '/quitquitquit') opts.onQuit('POST /quitquitquit');
      else opts.onDrain('POST /drain');
      return;
    }
    reply(res, 404, 'not found\n');
  };

  const server = createServer({ maxHeaderSize: 16 * 1024, ...slowClientLimits(opts.headersBoundMs) }, (req, res) => {
    req.resume(); // no endpoint reads a body; discard whatever a client sends
    route(req, res).catch((e: Error) => {
      opts.log.warn({ err: e.message, url: req.url }, 'status request failed');
      if (!res.headersSent) reply(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  server.maxRequestsPerSocket = 0;
  server.once('close', () => void pools.close());
  await listen(server, opts);
  opts.log.info({ port: opts.port, host: opts.host || '(all interfaces)' }, 'status server listening');
  return server;
}

function listen(server: Server, opts: { port: number; host: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(flagError('--statusPort', String(opts.port), 'a free port; it is already in use'));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(flagError('--statusListenAddress', opts.host, 'an address of this host'));
      else reject(e);
    });
    server.listen({ port: opts.port, ...(opts.host ? { host: opts.host } : {}) }, () => resolve());
  });
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
