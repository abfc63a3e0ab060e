// The gRPC side of the SDS server: grpc-js serving StreamSecrets on connections handed to it (the socket is
// bound by server.ts before envoy starts; this module and grpc-js load on envoy's first connection).
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { metrics } from '../metrics/recorders.js';
import { packSecret, sdsService, type DiscoveryRequest, type DiscoveryResponse } from './api.js';
import type { SecretSet } from './secrets.js';
import { SdsStream, type PackedSecrets, type StreamEvent } from './stream.js';

export interface SdsService {
  /** Serve one accepted connection (HTTP/2 from envoy). */
  serve(connection: Duplex): void;
  /** New secrets: every open stream gets them. */
  update(set: SecretSet): void;
  /** Open streams, for tests and the state dump. */
  streams(): readonly SdsStream[];
  close(): void;
}

export function startSdsService(initial: SecretSet | undefined, log: Logger): SdsService {
  let packed: PackedSecrets | undefined;
  const install = (set: SecretSet): void => {
    packed = { version: set.version, byName: new Map([...set.secrets].map(([name, s]) => [name, packSecret(s)])) };
  };
  if (initial) install(initial);
  const open = new Set<SdsStream>();
  let ids = 0;

  const onEvent = (stream: SdsStream, e: StreamEvent): void => {
    const where = { stream: stream.id, node: stream.nodeId };
    switch (e.kind) {
      case 'node':
        return log.info(where, 'SDS stream opened');
      case 'sent':
        metrics.sdsPushes.inc();
        return log.info({ ...where, version: e.version, secrets: e.names }, 'SDS secrets sent');
      case 'ack':
        return log.debug({ ...where, version: e.version }, 'SDS ACK');
      case 'nack':
        metrics.sdsNacks.inc();
        return log.warn({ ...where, version: e.version, keeps: e.acceptedVersion, reason: e.message }, 'envoy rejected the SDS secrets (NACK); it keeps serving the previous ones');
      case 'ignored':
        return log.debug({ ...where, why: e.why }, 'SDS request ignored');
    }
  };

  const serveStream = (call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>): void => {
    const stream: SdsStream = new SdsStream(++ids, {
      current: () => packed,
      write: (res) => call.write(res),
      fail: (message) => {
        log.warn({ stream: stream.id, reason: message }, 'SDS stream refused');
        // grpc-js turns an 'error' on a server stream into the call's final status.
        call.emit('error', Object.assign(new Error(message), { code: grpc.status.INVALID_ARGUMENT, details: message }));
      },
      onEvent: (e) => onEvent(stream, e),
    });
    open.add(stream);
    metrics.sdsStreams.set(open.size);
    const end = (): void => {
      if (!open.delete(stream)) return;
      metrics.sdsStreams.set(open.size);
      log.debug({ stream: stream.id, node: stream.nodeId }, 'SDS stream closed');
    };
    call.on('data', (req: DiscoveryRequest) => stream.onRequest(req));
    call.on('error', end); // envoy went away mid-stream
    call.on('cancelled', end);
    call.on('end', () => {
      end();
      call.end();
    });
  };

  const server = new grpc.Server();
  server.addService(sdsService(), { StreamSecrets: serveStream });
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  return {
    serve: (connection) => {
      injector.injectConnection(connection);
      // Accepted paused (server.ts): HTTP/2 has taken the socket over now, so reading may start.
      connection.resume();
    },
    update(set) {
      install(set);
      for (const stream of open) stream.push();
    },
    streams: () => [...open],
    close() {
      injector.destroy();
      server.forceShutdown();
    },
  };
}
