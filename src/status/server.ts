import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Supervisor } from '../supervisor/supervisor.js';

/**
 * The agent's status server (--statusPort). This first version answers what kubelet and the
 * lifecycle need: readiness and /quitquitquit. Metrics and app probes arrive with issue 6.
 */
export function startStatusServer(port: number, supervisor: Supervisor, log: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    void handle(req, res, supervisor).catch((e: Error) => {
      log.warn({ err: e.message, url: req.url }, 'status request failed');
      if (!res.headersSent) reply(res, 500, `${e.message}\n`);
    });
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      log.info({ port }, 'status server listening');
      resolve(server);
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, supervisor: Supervisor): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz/ready') {
    const { ready, reason } = await readiness(supervisor);
    return reply(res, ready ? 200 : 503, ready ? '' : `${reason}\n`);
  }
  if (path === '/quitquitquit') {
    if (req.method !== 'POST') return reply(res, 405, 'Method not allowed, POST required.\n');
    reply(res, 200, 'OK\n');
    supervisor.requestShutdown('POST /quitquitquit');
    return;
  }
  reply(res, 404, 'not found\n');
}

/** Ready only while an epoch is LIVE by the lifecycle's account and envoy's own /ready agrees. */
export async function readiness(supervisor: Supervisor): Promise<{ ready: boolean; reason: string }> {
  const state = supervisor.state;
  if (state === 'draining' || state === 'stopping' || state === 'stopped') return { ready: false, reason: 'draining' };
  if (!supervisor.serving) return { ready: false, reason: state === 'backingOff' || state === 'idle' ? 'envoy not running' : `envoy not ready (${state})` };
  // During a hot restart the admin port belongs to the initializing child (or to nobody for a moment),
  // while the LIVE parent keeps serving: the lifecycle's word is the one that counts.
  if (state === 'hotRestarting') return { ready: true, reason: '' };
  try {
    const res = await supervisor.admin.get('/ready', 1_000);
    if (res.status === 200) return { ready: true, reason: '' };
    return { ready: false, reason: `server is not live, current state is: ${res.body.trim() || res.status}` };
  } catch (e) {
    // A LIVE epoch keeps serving while its admin port is handed over (or lost to a failed child).
    if (supervisor.adminMayBeMissing) return { ready: true, reason: '' };
    return { ready: false, reason: `envoy admin unreachable: ${(e as Error).message}` };
  }
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
