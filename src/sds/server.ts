// The agent's SDS server (Istio's `SDS` socket under --configPath): secrets `default` and `ROOTCA` from the
// watched certificate files, pushed to every connected envoy when they change to a valid set. The socket is
// bound at start (envoy's first connection never meets a missing path and a retry back-off), but grpc-js,
// protobufjs and Envoy's API load only when envoy first connects: an envoy whose config names no SDS secret
// never costs the agent a gRPC stack.
import { lstat, rm } from 'node:fs/promises';
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { CertMaterial } from '../certs/material.js';
import { secretsOf, type SecretSet } from './secrets.js';
import type { SdsService } from './service.js';
import { peerUid } from './peer.js';
import { listenPrivately } from './socket.js';

export interface SdsServerOptions {
  readonly socketPath: string;
  readonly log: Logger;
}

export class SdsServer {
  #current: SecretSet | undefined;
  #service: SdsService | undefined;
  #loading: Promise<void> | undefined;
  readonly #waiting = new Set<Socket>();
  #closed = false;
  #inode = 0;
  #allowedUids = new Set<number>();

  readonly options: SdsServerOptions;
  private listener: Server | undefined;

  private constructor(
    options: SdsServerOptions,
    listener: Server | undefined,
  ) {
    this.options = options;
    this.listener = listener;
  }

  static async start(options: SdsServerOptions): Promise<SdsServer> {
    const sds = new SdsServer(options, undefined);
    sds.listener = await listenPrivately(options.socketPath, (socket) => sds.#accept(socket));
    const socketStat = await lstat(options.socketPath);
    sds.#inode = socketStat.ino;
    // Envoy runs as the agent's uid, or as the owner the socket was given (the config directory's).
    sds.#allowedUids = new Set([process.getuid?.() ?? socketStat.uid, socketStat.uid]);
    sds.listener.on('error', (e) => options.log.error({ err: e.message }, 'SDS socket error'));
    options.log.info({ socket: options.socketPath }, 'SDS server listening');
    return sds;
  }

  /** A valid set of certificate files (its hash from the watcher): served from now on, pushed to every stream. */
  update(material: CertMaterial, hash: string): void {
    this.serve(secretsOf(material, hash));
  }

  /** A set made elsewhere (the CA client's): served from now on, pushed to every stream. */
  serve(set: SecretSet): void {
    this.#current = set;
    this.#service?.update(set);
  }

  /** Load the gRPC side now, before envoy's first connection (when envoy is sure to connect). */
  preload(): void {
    if (!this.#closed) this.#loading ??= this.#load('envoy started');
  }

  /** The version being served (the material's hash prefix), if any. */
  get version(): string | undefined {
    return this.#current?.version;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const s of this.#waiting) s.destroy();
    this.#waiting.clear();
    this.#service?.close();
    await new Promise((resolve) => (this.listener ? this.listener.close(resolve) : resolve(undefined)));
    // Only our own socket: another agent on the same --configPath may have bound the path since.
    const now = await lstat(this.options.socketPath).catch(() => undefined);
    if (now && now.ino === this.#inode) await rm(this.options.socketPath, { force: true });
  }

  #accept(socket: Socket): void {
    socket.on('error', (e) => this.options.log.debug({ err: e.message }, 'SDS connection error'));
    if (this.#closed) return void socket.destroy();
    const uid = peerUid(socket);
    if (uid !== undefined && !this.#allowedUids.has(uid)) {
      this.options.log.warn({ uid, allowed: [...this.#allowedUids] }, 'SDS connection refused: the peer runs as another uid');
      return void socket.destroy();
    }
    if (this.#service) return this.#service.serve(socket);
    this.#waiting.add(socket);
    socket.once('close', () => this.#waiting.delete(socket));
    this.#loading ??= this.#load('first connection');
  }

  async #load(trigger: string): Promise<void> {
    const { log } = this.options;
    const started = performance.now();
    try {
      const { startSdsService } = await import('./service.js');
      if (this.#closed) return;
      this.#service = startSdsService(this.#current, log);
      log.info({ trigger, loadMs: Math.round(performance.now() - started) }, 'SDS service loaded');
      // Still paused (pauseOnConnect): no byte was read before HTTP/2 takes the socket over.
      for (const s of this.#waiting) this.#service.serve(s);
      this.#waiting.clear();
    } catch (e) {
      log.error({ err: (e as Error).message }, 'SDS service failed to load; envoy gets no secrets');
      for (const s of this.#waiting) s.destroy();
    }
  }
}
