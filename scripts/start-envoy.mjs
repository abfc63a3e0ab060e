// `npm run start:envoy`: the agent supervising REAL Envoy on this machine, fed by the local xDS server
// (tools/xds-server) and fronting a tiny app, with the same pretty log view as `npm start`.
// The app and the xDS server live in this process; the agent (and envoy under it) is the only child, in a
// process group of its own, so Ctrl-C reaches only this launcher, which forwards it: the agent drains envoy and
// exits, then the app and the xDS server close and nothing is left running.
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { localPodEnv, prettyLogView } from './local-pod.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
// Bootstrap files and certs go here (START_ENVOY_DIR moves them, e.g. for a test run beside a local one).
const local = process.env.START_ENVOY_DIR || `${root}.local/envoy`;
const env = process.env;
const port = (name, dflt) => Number(env[name] || dflt);
// Istio's well-known ports; each can be moved by its environment variable (the tests use free ones).
const ports = {
  app: port('APP_PORT', 8080),
  inbound: port('INBOUND_PORT', 15006),
  outbound: port('OUTBOUND_PORT', 15001),
  xds: port('XDS_PORT', 15010),
  admin: port('PROXY_ADMIN_PORT', 15000),
  status: port('STATUS_PORT', 15020),
  envoyStatus: port('ENVOY_STATUS_PORT', 15021),
  prometheus: port('ENVOY_PROMETHEUS_PORT', 15090),
};

const xdsLib = `${root}tools/xds-server/dist/index.js`;
if (!existsSync(`${root}dist/cli/main.js`) || !existsSync(xdsLib)) {
  console.error('start:envoy: run `npm run build` first (the agent and tools/xds-server are compiled)');
  process.exit(1);
}

function envoyBinary() {
  const bin = env.ENVOY_BINARY || `${root}.envoy/bin/envoy`;
  if (!env.ENVOY_BINARY && !existsSync(bin)) execFileSync('bash', [`${root}scripts/install-envoy.sh`], { stdio: 'inherit' });
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    console.error(`start:envoy: ${bin} is not an executable Envoy (ENVOY_BINARY or scripts/install-envoy.sh)`);
    process.exit(1);
  }
  return bin;
}
const binary = envoyBinary();

// One pretty stream for everything: the agent's JSON lines (split whole, so no line interleaves with ours),
// the xDS server's and the app's.
const view = prettyLogView();
const log = (name, msg, fields = {}, level = 30) => view.write(JSON.stringify({ level, time: Date.now(), name, msg, ...fields }) + '\n');

const app = http.createServer((req, res) => {
  log('app', 'request', { method: req.method, url: req.url, via: req.headers['x-envoy-expected-rq-timeout-ms'] ? 'envoy' : 'direct' });
  res.setHeader('content-type', 'text/plain');
  res.end(`hello from the app behind envoy: ${req.method} ${req.url}\n`);
});
app.on('clientError', (_e, socket) => socket.destroy());
await new Promise((resolve, reject) => app.once('error', reject).listen(ports.app, '127.0.0.1', resolve));

const { startXdsServer, seedSnapshot } = await import(xdsLib);
const xds = await startXdsServer({
  port: ports.xds,
  snapshot: seedSnapshot({ inboundPort: ports.inbound, outboundPort: ports.outbound, appPort: ports.app }),
  log: (msg, fields) => log('xds-server', msg, fields, msg === 'NACK' ? 40 : 30),
});

mkdirSync(`${local}/proxy`, { recursive: true });
const args = [
  `${root}bin/pilot-agent`, 'proxy', 'sidecar',
  '--binaryPath', binary,
  '--configPath', `${local}/proxy`,
  '--certDir', `${local}/certs`,
  '--serviceCluster', 'local-app.default',
  '--discoveryAddress', `127.0.0.1:${xds.port}`,
  '--proxyAdminPort', String(ports.admin),
  '--statusPort', String(ports.status),
  '--drainDuration', '2s',
  '--parentShutdownDuration', '3s',
  '--proxyLogLevel', 'warning',
  ...(env.BASE_ID ? ['--baseId', env.BASE_ID] : []),
  ...process.argv.slice(2),
];
const agentEnv = {
  ...localPodEnv,
  ...env,
  ENVOY_STATUS_PORT: String(ports.envoyStatus),
  ENVOY_PROMETHEUS_PORT: String(ports.prometheus),
};

const agent = spawn(process.execPath, args, { env: agentEnv, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
agent.stdout.on('error', () => {});
console.error(
  `start:envoy: curl http://127.0.0.1:${ports.inbound}/ (envoy inbound → app :${ports.app}); outbound :${ports.outbound}; ` +
    `xDS :${xds.port}; envoy admin :${ports.admin}; agent status :${ports.status} (/healthz/ready); ` +
    `envoy health :${ports.envoyStatus}; prometheus :${ports.prometheus}; agent pid ${agent.pid}; envoy ${binary.replace(root, '')}`,
);
createInterface({ input: agent.stdout }).on('line', (line) => view.write(line + '\n'));

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1']) process.on(sig, () => agent.kill(sig));
agent.on('exit', async (code, signal) => {
  await xds.close();
  app.closeAllConnections();
  app.close();
  // Real Envoy leaves its shared memory file behind even after a clean exit; this run's envoy is gone.
  rmSync(`/dev/shm/envoy_shared_memory_${Number(env.BASE_ID ?? 0) * 10}`, { force: true });
  process.exitCode = code ?? (signal ? 1 : 0);
});
