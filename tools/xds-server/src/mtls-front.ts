// The xDS server's mutual-TLS front, as istiod serves 15012: a TLS listener that requires a client certificate
// chaining to the mesh root, checks its SPIFFE identity (URI SAN), records every handshake, and pipes the accepted
// connections' plaintext HTTP/2 to the gRPC server on loopback. Node's TLS gives us the peer certificate and the
// reason for each refusal, which grpc-js's own TLS hides.
import { connect, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';

export interface MtlsOptions {
  /** The server's certificate chain and key (istiod's: DNS SAN istiod.istio-system.svc). */
  readonly certChain: Buffer;
  readonly key: Buffer;
  /** Client certificates must chain to one of these roots. */
  readonly clientCa: Buffer;
  /** When set, the client certificate's URI SANs must include it, e.g. spiffe://cluster.local/ns/default/sa/app. */
  readonly clientIdentity?: string;
}

export interface HandshakeRecord {
  readonly id: number;
  readonly accepted: boolean;
  /** Why a connection was refused: the TLS error, or the identity it presented instead of the expected one. */
  readonly reason: string;
  /** The client certificate's URI SANs and serial (hex), when the handshake got that far. */
  readonly uriSans: readonly string[];
  readonly serial: string;
  /** The SNI the client sent, '' for none. */
  readonly servername: string;
}

export interface MtlsFront {
  readonly port: number;
  /** Cuts every piped connection, as istiod does when it recycles streams: the client reconnects and handshakes anew. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startMtlsFront(
  listen: { host: string; port: number },
  backendPort: number,
  opts: MtlsOptions,
  onHandshake: (h: HandshakeRecord) => void,
): Promise<MtlsFront> {
  let ids = 0;
  const open = new Set<Socket>();
  const track = (s: Socket): void => {
    open.add(s);
    s.once('close', () => open.delete(s));
  };
  const server = createServer({
    cert: opts.certChain,
    key: opts.key,
    ca: opts.clientCa,
    requestCert: true,
    rejectUnauthorized: true, // a certificate from another root (or none) fails the handshake itself
    ALPNProtocols: ['h2'],
  });
  server.on('tlsClientError', (err, socket) => {
    socket.on('error', () => {});
    onHandshake({ id: ++ids, accepted: false, reason: (err as NodeJS.ErrnoException).code ?? err.message, uriSans: [], serial: '', servername: '' });
  });
  server.on('secureConnection', (tls: TLSSocket) => {
    tls.on('error', () => {}); // a reset client; the close below cleans up
    const peer = tls.getPeerCertificate();
    const uriSans = (peer.subjectaltname ?? '').split(', ').filter((s) => s.startsWith('URI:')).map((s) => s.slice(4));
    const base = { id: ++ids, uriSans, serial: peer.serialNumber ?? '', servername: typeof tls.servername === 'string' ? tls.servername : '' };
    if (opts.clientIdentity !== undefined && !uriSans.includes(opts.clientIdentity)) {
      onHandshake({ ...base, accepted: false, reason: `identity ${uriSans.join(',') || '(none)'} is not ${opts.clientIdentity}` });
      tls.destroy();
      return;
    }
    onHandshake({ ...base, accepted: true, reason: '' });
    const backend = connect(backendPort, '127.0.0.1');
    backend.on('error', () => tls.destroy());
    track(tls);
    track(backend);
    tls.pipe(backend).pipe(tls);
    tls.once('close', () => backend.destroy());
    backend.once('close', () => tls.destroy());
  });
  server.on('error', () => {}); // listen errors surface through the promise below
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('mtls front: no TCP address');
  return {
    port: address.port,
    dropConnections() {
      for (const s of open) s.destroy();
    },
    close() {
      for (const s of open) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
