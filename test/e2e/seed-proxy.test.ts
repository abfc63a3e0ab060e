import { existsSync, readFileSync, statSync } from 'node:fs';
import t from 'tap';
import { loadEnvoyTypes, validateBootstrapText } from '../../tools/envoy-stub/src/envoy-api/index.js';
import { setA } from '../fixtures/certs/pki.js';
import { writeInPlace } from '../fixtures/certs/volume.js';
import { kubeletExpand, seedPodEnv, seedProxyArgs, stubBin, withFlag } from '../helpers/agent.js';
import { alive, startAgent } from '../helpers/running-agent.js';

const types = await loadEnvoyTypes();

t.test('runs the seed arguments against the stub: a strict-valid bootstrap, envoy LIVE, ready through 15021, clean exit', async (t) => {
  const agent = await startAgent(t, {
    // The seed's args as kubelet expands them; only ports, paths and the binary are this machine's. Its discovery
    // port 15012 means mutual TLS to istiod, so the pod mounts certificates (the stub takes them from files).
    args: ({ dir, ports }) => {
      writeInPlace(`${dir}/certs`, setA());
      let args = kubeletExpand(seedProxyArgs, seedPodEnv).slice(2);
      args = withFlag(args, '--configPath', `${dir}/proxy`);
      args = withFlag(args, '--binaryPath', stubBin);
      args = withFlag(args, '--proxyAdminPort', String(ports.admin));
      return [...withFlag(args, '--statusPort', String(ports.status)), '--certDir', `${dir}/certs`];
    },
    env: { ...seedPodEnv, ENVOY_STUB_STRICT: '1', FOR_ENVOY: 'from-the-agent' },
  });
  await agent.waitForMsg('envoy is LIVE');

  const file = `${agent.configPath}/envoy-rev0.json`;
  t.equal(statSync(file).mode & 0o777, 0o640, 'bootstrap mode 0640');
  const result = validateBootstrapText(types, readFileSync(file, 'utf8'), { cliProvidesNode: true });
  t.same(result.errors, [], 'the written bootstrap passes the strict validation');

  const start = agent.events().find((e) => e.event === 'start')!;
  t.same(start.argv, [
    '-c', file, '--restart-epoch', '0', '--drain-time-s', '45', '--parent-shutdown-time-s', '60',
    '--service-cluster', 'productpage.default',
    '--service-node', 'sidecar~10.1.2.3~productpage-v1-abc.default~default.svc.cluster.local',
    '--base-id', String(agent.baseId),
    '--local-address-ip-version', 'v4', '--log-format', '[Envoy (Epoch 0)] [%Y-%m-%d %T.%e][%t][%l][%n] %v', '-l', 'warning', '--component-log-level', 'misc:error', '--concurrency', '2',
  ], 'envoy gets exactly the expected command line');
  const envoyPid = agent.envoyPids()[0]!;
  t.match(readFileSync(`/proc/${envoyPid}/environ`, 'utf8'), /(^|\0)FOR_ENVOY=from-the-agent\0/, 'envoy gets the agent environment');

  t.same(await agent.get('/healthz/ready'), { status: 200, body: '' }, 'ready on the status port');
  t.equal((await agent.get('/healthz/ready', 'envoy')).status, 200, 'ready through envoy 15021 → agent 15020');

  // The seed drains for 45 s; a second SIGTERM skips the rest of the drain.
  agent.signal('SIGTERM');
  await agent.waitForMsg('shutdown: draining envoy');
  t.equal((await agent.get('/healthz/ready')).status, 503, 'not ready while draining');
  agent.signal('SIGTERM');
  t.same(await agent.exited, { code: 0, signal: null }, 'exit 0');
  t.notOk(existsSync(file), 'the bootstrap is removed when its epoch exits');
  t.notOk(alive(envoyPid), 'envoy is gone');
});
