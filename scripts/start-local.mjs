// `npm start`: run the agent on this machine against the bundled stub envoy, with pretty logs.
// The agent's own output stays JSON (the production code path); pino-pretty formats it here, in-process,
// so Ctrl-C reaches the agent (which drains envoy and exits) without the log formatter dying first.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { localPodEnv, prettyLogView } from './local-pod.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
// START_LOCAL_DIR moves the generated files elsewhere (the test of this script uses a temporary directory).
const local = process.env.START_LOCAL_DIR || `${root}.local`;
mkdirSync(`${local}/proxy`, { recursive: true });

const args = [
  `${root}bin/pilot-agent`, 'proxy', 'sidecar',
  '--binaryPath', `${root}tools/envoy-stub/bin/envoy-stub`,
  '--configPath', `${local}/proxy`,
  '--certDir', `${local}/certs`,
  '--serviceCluster', 'local-app.default',
  // The plain-text port: 15012 is istiod's TLS port, which would need a token or mounted certificates.
  '--discoveryAddress', 'localhost:15010',
  '--proxyAdminPort', '15000',
  '--statusPort', '15020',
  '--drainDuration', '2s',
  '--parentShutdownDuration', '3s',
  '--proxyLogLevel', 'info',
  ...process.argv.slice(2),
];
const env = {
  ...localPodEnv,
  // The stub's hot-restart state lives next to the bootstrap files, not in /dev/shm.
  ENVOY_STUB_SHM_DIR: local,
  ...process.env,
};

console.error(`starting: node ${args.map((a) => a.replace(root, '')).join(' ')}`);
// A process group of its own: Ctrl-C reaches only this launcher, which forwards each one exactly once
// (the first drains envoy, a second means "stop now").
const agent = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
console.error(`agent pid ${agent.pid}`);
// pino-pretty writes to stdout itself; its readable side would echo the raw JSON.
agent.stdout.pipe(prettyLogView());

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1']) process.on(sig, () => agent.kill(sig));
agent.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
