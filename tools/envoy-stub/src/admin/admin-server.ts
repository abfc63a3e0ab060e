// The admin HTTP listener: exact path routing, POST enforcement, Envoy's default headers,
// its own connection stats, the ENVOY_STUB_HANG_ADMIN fault (accept, never answer) and the
// ENVOY_STUB_PROMETHEUS_FAULT_FILE faults of /stats/prometheus.

import type * as Http from 'node:http';
import net from 'node:net';
import { formatAddress, type SocketAddress } from '../config/addresses.js';
import type { EventLog } from '../faults/event-log.js';
import { TEXT, type AdminContext } from './admin-context.js';
import { currentPrometheusFault, misbehave } from '../faults/prometheus-fault.js';
import { ENDPOINTS, helpText } from './endpoints.js';

// node:http as Node's CommonJS object: an ESM import of it reads every export, and its lazy WebSocket
// getters load Node's bundled undici (~70 ms of CPU in each process, Node 22–24).
const http: typeof Http = process.getBuiltinModule('node:http');

export class AdminServer {
  private readonly server: Http.Server;
  /**
   * Accepts for the HTTP server, which never listens itself: closing the port at a child's start-up must leave
   * the connections already accepted open and kept alive, as real Envoy's parent does until it exits
   * (Http.Server.close() would close the idle ones).
   */
  private readonly listener: net.Server;
  private readonly sockets = new Set<net.Socket>();
  bound: SocketAddress | undefined;

  private readonly ctx: AdminContext;
  private readonly events: EventLog;
  private readonly hang: boolean;
  private readonly prometheusFaultFile?: string;

  constructor(
    ctx: AdminContext,
    events: EventLog,
    hang: boolean,
    prometheusFaultFile?: string,
  ) {
    this.ctx = ctx;
    this.events = events;
    this.hang = hang;
    this.prometheusFaultFile = prometheusFaultFile;
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.server.keepAliveTimeout = 0;
    this.server.on('connection', (s: net.Socket) => this.track(s));
    this.listener = net.createServer((s) => this.server.emit('connection', s));
    this.listener.on('error', () => {}); // accept errors after listen(): the connections already open carry on
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    this.ctx.stats.add('listener.admin.downstream_cx_active', 1);
    this.ctx.stats.add('listener.admin.main_thread.downstream_cx_active', 1); // Envoy's admin runs on the main thread
    this.ctx.stats.add('http.admin.downstream_cx_active', 1);
    this.ctx.stats.inc('listener.admin.downstream_cx_total');
    this.ctx.stats.inc('listener.admin.main_thread.downstream_cx_total');
    this.ctx.stats.inc('http.admin.downstream_cx_total');
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.ctx.stats.add('listener.admin.downstream_cx_active', -1);
      this.ctx.stats.add('listener.admin.main_thread.downstream_cx_active', -1);
      this.ctx.stats.add('http.admin.downstream_cx_active', -1);
    });
  }

  async listen(address: SocketAddress): Promise<SocketAddress> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen({ host: address.address, port: address.port, ipv6Only: net.isIPv6(address.address) }, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    const a = this.listener.address() as net.AddressInfo;
    this.bound = { address: a.address, port: a.port };
    return this.bound;
  }

  get addressText(): string {
    return this.bound ? formatAddress(this.bound) : '';
  }

  private onRequest(req: Http.IncomingMessage, res: Http.ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
    const method = req.method ?? 'GET';
    this.events.write('admin', { method, path: url });
    if (this.hang) return; // ENVOY_STUB_HANG_ADMIN: the request is read and never answered
    req.resume();
    this.ctx.stats.inc('http.admin.downstream_rq_total');
    const endpoint = ENDPOINTS.find((e) => e.path === path);
    let status: number;
    let body: string;
    let contentType = TEXT;
    let after: (() => void) | undefined;
    if (!endpoint) {
      status = 404;
      body = helpText('invalid path. admin commands are:\n');
    } else if (endpoint.mutatesState && method !== 'POST') {
      this.ctx.log.error('admin', 'source/server/admin/admin.cc:322', `admin path "${path}" mutates state, method=${method} rather than POST`);
      status = 405;
      body = `Method ${method} not allowed, POST required.`;
    } else {
      const r = endpoint.handle(this.ctx, params);
      status = r.status;
      body = r.body;
      contentType = r.contentType ?? TEXT;
      after = r.after;
    }
    this.ctx.stats.inc(`http.admin.downstream_rq_${Math.floor(status / 100)}xx`);
    const fault = path === '/stats/prometheus' && status === 200 ? currentPrometheusFault(this.prometheusFaultFile) : undefined;
    if (fault) return misbehave(fault, res, body);
    res.writeHead(status, {
      'content-type': contentType,
      'cache-control': 'no-cache, max-age=0',
      'x-content-type-options': 'nosniff',
      server: 'envoy',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body, after);
  }

  /** Stops accepting (child startup); connections already accepted stay open and served until the process exits. */
  close(): void {
    if (this.listener.listening) this.listener.close();
  }

  /** Shutdown: every admin connection goes at once. */
  destroy(): void {
    this.close();
    for (const s of this.sockets) s.destroy();
  }
}
