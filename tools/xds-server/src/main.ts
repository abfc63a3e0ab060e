// CLI: serve the seed snapshot over ADS until SIGINT/SIGTERM. Logs one JSON line per event (pino's shape, so
// pino-pretty shows them beside the agent's). SIGHUP re-pushes the snapshot at the next version.
import { parseArgs } from 'node:util';
import { seedSnapshot } from './seed.js';
import { startXdsServer } from './server.js';

const usage = `usage: xds-server [--port 15010] [--host 127.0.0.1] [--inbound-port 15006] [--outbound-port 15001]
                  [--app-port 8080] [--listen-address 127.0.0.1]`;

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
    options: { port: str, host: str, 'inbound-port': str, 'outbound-port': str, 'app-port': str, 'listen-address': str, help: { type: 'boolean' } },
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
  const xds = await startXdsServer({
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
