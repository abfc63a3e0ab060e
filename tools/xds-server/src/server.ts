// The ADS management server: grpc-js serving envoy.service.discovery.v3.AggregatedDiscoveryService (state of the
// world) over plaintext HTTP/2, with the record a test needs: streams and their node ids, ACKs, NACKs, responses.
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { packSnapshot, type PackedSnapshot } from './encode.js';
import { startMtlsFront, type HandshakeRecord, type MtlsFront, type MtlsOptions } from './mtls-front.js';
import { messageType } from './protos.js';
import { AdsStream, type AckRecord, type DiscoveryRequest, type DiscoveryResponse, type NackRecord, type ResponseRecord } from './stream.js';
import type { Snapshot } from './types.js';

export interface StreamRecord {
  readonly id: number;
  /** Empty until the stream's first request names its node. */
  nodeId: string;
  cluster: string;
  open: boolean;
}

export interface XdsServerOptions {
  /** 0 (the default) takes a port from the OS. */
  readonly port?: number;
  readonly host?: string;
  /** Without one the server withholds config: streams stay open and unanswered until setSnapshot(). */
  readonly snapshot?: Snapshot;
  /**
   * Serve over mutual TLS (as istiod on 15012): the server's chain and key, the CA client certificates must chain
   * to and, optionally, the SPIFFE identity a client must present. Every handshake is recorded (handshakes()).
   */
  readonly tls?: MtlsOptions;
  /** One structured line per protocol event (the CLI prints them as JSON). */
  readonly log?: (msg: string, fields: Record<string, unknown>) => void;
}

export type XdsEvent = 'stream' | 'response' | 'ack' | 'nack' | 'closed' | 'ignored' | 'handshake';

export interface XdsServer {
  readonly port: number;
  readonly events: EventEmitter;
  /** Replaces the config and pushes it to every open stream. Throws if a resource cannot be encoded. */
  setSnapshot(snapshot: Snapshot): void;
  snapshot(): Snapshot | undefined;
  streams(): readonly StreamRecord[];
  acks(): readonly AckRecord[];
  nacks(): readonly NackRecord[];
  responses(): readonly ResponseRecord[];
  /** With `tls`: every TLS handshake, accepted or refused, in order. */
  handshakes(): readonly HandshakeRecord[];
  /** With `tls`: cut every client connection (istiod recycling streams); clients reconnect with a new handshake. */
  dropConnections(): void;
  /** Resolves once `predicate` holds, re-checked after every protocol event; rejects after `timeoutMs` (a hang guard). */
  waitFor(what: string, predicate: (xds: XdsServer) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const adsPath = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';

/** The ADS method with its (de)serializers: the server uses it, and a test client can too. */
export function adsService(): grpc.ServiceDefinition {
  const Req = messageType('envoy.service.discovery.v3.DiscoveryRequest');
  const Res = messageType('envoy.service.discovery.v3.DiscoveryResponse');
  return {
    StreamAggregatedResources: {
      path: adsPath,
      requestStream: true,
      responseStream: true,
      requestSerialize: (r: DiscoveryRequest) => Buffer.from(Req.encode(Req.fromObject(r)).finish()),
      requestDeserialize: (b: Buffer) => Req.toObject(Req.decode(b), { longs: String, enums: String, defaults: true }) as DiscoveryRequest,
      responseSerialize: (r: DiscoveryResponse) => Buffer.from(Res.encode(Res.fromObject(r)).finish()),
      responseDeserialize: (b: Buffer) => Res.toObject(Res.decode(b), { longs: String, enums: String, defaults: true }) as DiscoveryResponse,
    },
    // DeltaAggregatedResources is left out: grpc-js answers UNIMPLEMENTED, and Envoy only asks for it when told to.
  };
}

export async function startXdsServer(opts: XdsServerOptions = {}): Promise<XdsServer> {
  const log = opts.log ?? (() => {});
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const records: StreamRecord[] = [];
  const acks: AckRecord[] = [];
  const nacks: NackRecord[] = [];
  const responses: ResponseRecord[] = [];
  const handshakes: HandshakeRecord[] = [];
  const live = new Map<AdsStream, grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>>();
  let current: { snapshot: Snapshot; version: string; packed: PackedSnapshot } | undefined;
  let streamIds = 0;
  const install = (s: Snapshot): void => {
    current = { snapshot: s, version: s.version, packed: packSnapshot(s) };
  };
  if (opts.snapshot) install(opts.snapshot);

  const serve = (call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>): void => {
    const record: StreamRecord = { id: ++streamIds, nodeId: '', cluster: '', open: true };
    records.push(record);
    const stream = new AdsStream(record.id, {
      current: () => current,
      write: (res) => call.write(res),
      onNode: (nodeId, cluster) => {
        Object.assign(record, { nodeId, cluster });
        log('xDS stream opened', { stream: record.id, node: nodeId });
        events.emit('stream', record);
      },
      onAck: (a) => {
        acks.push(a);
        log('ACK', { stream: a.stream, node: a.nodeId, type: a.typeUrl, version: a.version });
        events.emit('ack', a);
      },
      onNack: (n) => {
        nacks.push(n);
        log('NACK', { stream: n.stream, node: n.nodeId, type: n.typeUrl, version: n.version, error: n.message });
        events.emit('nack', n);
      },
      onResponse: (r) => {
        responses.push(r);
        log('sent', { stream: r.stream, type: r.typeUrl, version: r.version, nonce: r.nonce, resources: r.names });
        events.emit('response', r);
      },
      onIgnored: (typeUrl, why) => events.emit('ignored', { stream: record.id, typeUrl, why }),
    });
    live.set(stream, call);
    const end = (): void => {
      if (!live.delete(stream)) return;
      record.open = false;
      log('xDS stream closed', { stream: record.id, node: record.nodeId });
      events.emit('closed', record);
    };
    call.on('data', (req: DiscoveryRequest) => stream.onRequest(req));
    call.on('error', end); // a cancelled stream (Envoy exited) surfaces here; nothing to report beyond closing
    call.on('end', () => {
      end();
      call.end();
    });
    call.on('cancelled', end);
  };

  const server = new grpc.Server();
  server.addService(adsService(), { StreamAggregatedResources: serve });
  const host = opts.host ?? '127.0.0.1';
  // With TLS the gRPC server listens in plaintext on loopback behind the mutual-TLS front.
  const grpcPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(opts.tls ? '127.0.0.1:0' : `${host}:${opts.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  let front: MtlsFront | undefined;
  if (opts.tls) {
    front = await startMtlsFront({ host, port: opts.port ?? 0 }, grpcPort, opts.tls, (h) => {
      handshakes.push(h);
      log(h.accepted ? 'TLS handshake accepted' : 'TLS handshake refused', { ...h });
      events.emit('handshake', h);
    }).catch((err: unknown) => {
      server.forceShutdown();
      throw err;
    });
  }
  const port = front?.port ?? grpcPort;

  const xds: XdsServer = {
    port,
    events,
    setSnapshot(s) {
      install(s);
      log('snapshot', { version: s.version });
      for (const stream of live.keys()) stream.push();
    },
    snapshot: () => current?.snapshot,
    streams: () => records,
    acks: () => acks,
    nacks: () => nacks,
    responses: () => responses,
    handshakes: () => handshakes,
    dropConnections: () => front?.dropConnections(),
    waitFor(what, predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const names: XdsEvent[] = ['stream', 'response', 'ack', 'nack', 'closed', 'ignored', 'handshake'];
        const check = (): void => {
          if (!predicate(xds)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`xds-server: timed out waiting for ${what}; acks ${JSON.stringify(acks)} nacks ${JSON.stringify(nacks)}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          for (const n of names) events.off(n, check);
        };
        for (const n of names) events.on(n, check);
        check();
      });
    },
    async close() {
      for (const call of live.values()) call.end();
      await front?.close();
      return new Promise((resolve) => {
        // Envoy keeps its streams open forever: give them a moment to finish, then cut what is left.
        const timer = setTimeout(() => server.forceShutdown(), 1_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
  return xds;
}
