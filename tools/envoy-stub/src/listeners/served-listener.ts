// One static listener: a real socket (bound here, or handed over by the hot-restart parent), the
// connections on it counted in listener.<addr>.downstream_cx_active, and what it serves: HTTP
// through the route table, tcp_proxy to a cluster, or (no known filter) accepted and held.

import type * as Http from 'node:http';
import net from 'node:net';
import { formatAddress, type SocketAddress } from '../config/addresses.js';
import type { ClusterConfig } from '../config/clusters.js';
import type { ListenerConfig } from '../config/listeners.js';
import type { DrainManager } from '../lifecycle/drain-manager.js';
import type { StatsStore } from '../stats/store.js';
import { handleHttpRequest } from './http-handler.js';

// node:http as Node's CommonJS object: an ESM import of it reads every export, and its lazy WebSocket
// getters load Node's bundled undici (~70 ms of CPU in each process, Node 22–24).
const http: typeof Http = process.getBuiltinModule('node:http');

export interface ListenerDeps {
  readonly stats: StatsStore;
  readonly drain: DrainManager;
  readonly clusters: ReadonlyMap<string, ClusterConfig>;
  /** --concurrency: each connection is counted on one worker too, as Envoy's per-worker listener stats. */
  readonly workers: number;
}

/** Envoy's listener stat scope: stat_prefix, else the address with ':' turned into '_'. */
export const listenerStatScope = (config: ListenerConfig, bound: SocketAddress) =>
  `listener.${config.statPrefix ?? formatAddress(bound).replace(/:/g, '_')}`;

export class ServedListener {
  // Sockets are accepted at the TCP level and handed to the HTTP server only once workers run,
  // like Envoy, which binds early but accepts only after startWorkers().
  private readonly server = net.createServer({ pauseOnConnect: true }, (s) => this.onAccept(s));
  private readonly http: Http.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly pending: net.Socket[] = [];
  private accepting = false;
  private parentHandle: unknown;
  private scope = '';
  /** Round robin stands in for the kernel spreading connections over Envoy's worker threads. */
  private nextWorker = 0;
  bound: SocketAddress | undefined;

  readonly config: ListenerConfig;
  private readonly deps: ListenerDeps;

  constructor(
    config: ListenerConfig,
    deps: ListenerDeps,
  ) {
    this.config = config;
    this.deps = deps;
    if (config.http) {
      this.http = http.createServer((req, res) => handleHttpRequest(config, req, res, deps));
      // Envoy's idle timeout is an hour; Node's 5 s (and its Keep-Alive header) would differ. 0: none.
      this.http.keepAliveTimeout = 0;
    }
  }

  private onAccept(socket: net.Socket): void {
    if (!this.accepting) {
      this.pending.push(socket);
      return;
    }
    this.track(socket);
    if (this.http) {
      this.http.emit('connection', socket);
      socket.resume();
    } else {
      this.onTcp(socket);
    }
  }

  private onTcp(socket: net.Socket): void {
    socket.resume();
    if (!this.config.tcpProxyCluster) return; // accepted and held, counted like any connection
    const target = this.deps.clusters.get(this.config.tcpProxyCluster)?.endpoints[0];
    if (!target) {
      socket.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.address);
    socket.pipe(upstream).pipe(socket);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    const httpScope = this.config.http ? `http.${this.config.http.statPrefix}` : undefined;
    const worker = `${this.scope}.worker_${this.nextWorker++ % Math.max(1, this.deps.workers)}`;
    this.deps.stats.add(`${this.scope}.downstream_cx_active`, 1);
    this.deps.stats.inc(`${this.scope}.downstream_cx_total`);
    this.deps.stats.add(`${worker}.downstream_cx_active`, 1);
    this.deps.stats.inc(`${worker}.downstream_cx_total`);
    if (httpScope) {
      this.deps.stats.add(`${httpScope}.downstream_cx_active`, 1);
      this.deps.stats.inc(`${httpScope}.downstream_cx_total`);
    }
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.deps.stats.add(`${this.scope}.downstream_cx_active`, -1);
      this.deps.stats.add(`${worker}.downstream_cx_active`, -1);
      this.deps.stats.inc(`${this.scope}.downstream_cx_destroy`);
      if (httpScope) this.deps.stats.add(`${httpScope}.downstream_cx_active`, -1);
    });
  }

  private listen(target: unknown): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      const done = () => {
        this.server.off('error', reject);
        resolve();
      };
      if (target) this.server.listen(target as net.ListenOptions, done);
      else {
        const { address, port } = this.config.address;
        this.server.listen({ host: address, port, ipv6Only: net.isIPv6(address) }, done);
      }
    });
  }

  /**
   * Binds the address, or keeps the parent's socket (`handle`) to listen on once workers start;
   * until then the parent goes on accepting from the shared queue.
   */
  async bind(handle?: unknown): Promise<void> {
    if (handle) {
      this.parentHandle = handle;
      this.bound = this.config.address;
    } else {
      await this.listen(undefined);
      const a = this.server.address() as net.AddressInfo;
      this.bound = { address: a.address, port: a.port };
    }
    this.scope = listenerStatScope(this.config, this.bound);
    this.deps.stats.registerTagValue(this.scope.slice('listener.'.length));
    // Registered, not written: like Envoy's, ?usedonly lists them only once a connection came.
    this.deps.stats.gauge(`${this.scope}.downstream_cx_active`);
    this.deps.stats.counter(`${this.scope}.downstream_cx_total`);
    for (let i = 0; i < Math.max(1, this.deps.workers); i++) {
      this.deps.stats.gauge(`${this.scope}.worker_${i}.downstream_cx_active`);
      this.deps.stats.counter(`${this.scope}.worker_${i}.downstream_cx_total`);
    }
    if (this.config.http) this.deps.stats.gauge(`http.${this.config.http.statPrefix}.downstream_cx_active`);
  }

  /** Workers started: accept, including connections that queued up meanwhile. */
  async startAccepting(): Promise<void> {
    if (this.parentHandle) {
      await this.listen(this.parentHandle);
      this.parentHandle = undefined;
    }
    this.accepting = true;
    for (const s of this.pending.splice(0)) this.onAccept(s);
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** The libuv handle of the listening socket, for passing to a hot-restart child. */
  get listenHandle(): unknown {
    return (this.server as unknown as { _handle?: unknown })._handle ?? undefined;
  }

  get activeConnections(): number {
    return this.sockets.size;
  }

  /** Stops accepting; open connections carry on (Envoy's stopListeners). */
  stopListening(): void {
    if (this.server.listening) this.server.close();
    for (const s of this.pending.splice(0)) s.destroy();
  }

  /** Shutdown: every connection closes at once. */
  closeAll(): void {
    this.stopListening();
    for (const s of this.sockets) s.destroy();
  }
}
