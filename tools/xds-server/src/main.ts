// CLI: serve the seed snapshot over ADS until SIGINT/SIGTERM. Logs one JSON line per event (pino's shape, so
// pino-pretty shows them beside the agent's). SIGHUP re-pushes the snapshot at the next version.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { seedSnapshot } from './seed.js';
import { startXdsServer } from './server.js';

const usage = `usage: xds-server [--port 15010] [--host 127.0.0.1] [--inbound-port 15006] [--outbound-port 15001]
                  [--app-port 8080] [--listen-address 127.0.0.1]
                  [--tls-cert chain.pem --tls-key key.pem --client-ca root.pem [--client-identity spiffe://…]]`;

function intFlag(values: Record<string, string | boolean | undefined>, name: string, dflt: number): number {
  const v = values[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name}: not a port: ${String(v)}`);
  return n;
}

function line(level: number, msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(JSON.stringify({ level, time: Date.now(), name: 'xds-server', msg, ...fields }) + '\n');
}

async function main(): Promise<void> {
  const str = { type: 'string' } as const;
  const { values } = parseArgs({
    options: { port: str, host: str, 'inbound-port': str, 'outbound-port': str, 'app-port': str, 'listen-address': str, 'tls-cert': str, 'tls-key': str, 'client-ca': str, 'client-identity': str, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const seed = {
    inboundPort: intFlag(values, 'inbound-port', 15006),
    outboundPort: intFlag(values, 'outbound-port', 15001),
    appPort: intFlag(values, 'app-port', 8080),
    listenAddress: values['listen-address'] ?? '127.0.0.1',
  };
  let version = 1;
  const tlsFiles = [values['tls-cert'], values['tls-key'], values['client-ca']];
  if (tlsFiles.some(Boolean) && !tlsFiles.every(Boolean)) throw new Error('--tls-cert, --tls-key and --client-ca go together');
  const tls = tlsFiles.every(Boolean)
    ? {
        certChain: readFileSync(values['tls-cert']!),
        key: readFileSync(values['tls-key']!),
        clientCa: readFileSync(values['client-ca']!),
        ...(values['client-identity'] ? { clientIdentity: values['client-identity'] } : {}),
      }
    : undefined;
  const xds = await startXdsServer({
    ...(tls ? { tls } : {}),
    port: intFlag(values, 'port', 15010),
    host: values.host ?? '127.0.0.1',
    snapshot: seedSnapshot({ ...seed, version: String(version) }),
    log: (msg, fields) => line(msg === 'NACK' ? 40 : 30, msg, fields),
  });
  line(30, 'xDS server listening', { port: xds.port, ...seed });
  process.on('SIGHUP', () => xds.setSnapshot(seedSnapshot({ ...seed, version: String(++version) })));
  const stop = (signal: string): void => {
    line(30, 'xDS server stopping', { signal });
    void xds.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  line(50, 'xDS server failed', { err: (err as Error).message });
  console.error(usage);
  process.exit(2);
});
