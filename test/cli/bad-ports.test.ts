import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected, hangTimeout, proxyArgs, spyEnvoy } from '../helpers/rejected.js';

// The agent binds --statusPort; envoy binds --proxyAdminPort, ENVOY_STATUS_PORT and
// ENVOY_PROMETHEUS_PORT. Two on one port used to crash-loop envoy for most of a minute, then exit 1.

const cases: { name: string; args: string[]; env?: Record<string, string>; expect: RegExp }[] = [
  { name: '--statusPort equal to --proxyAdminPort', args: ['--statusPort', '15000'], expect: /^error: port conflict: --statusPort and --proxyAdminPort are both 15000/ },
  { name: 'ENVOY_STATUS_PORT equal to --statusPort', args: [], env: { ENVOY_STATUS_PORT: '15020' }, expect: /^error: port conflict: --statusPort and ENVOY_STATUS_PORT are both 15020/ },
  { name: 'ENVOY_PROMETHEUS_PORT equal to --proxyAdminPort', args: [], env: { ENVOY_PROMETHEUS_PORT: '15000' }, expect: /^error: port conflict: --proxyAdminPort and ENVOY_PROMETHEUS_PORT are both 15000/ },
  { name: 'ENVOY_STATUS_PORT equal to ENVOY_PROMETHEUS_PORT', args: [], env: { ENVOY_STATUS_PORT: '15090' }, expect: /^error: port conflict: ENVOY_STATUS_PORT and ENVOY_PROMETHEUS_PORT are both 15090/ },
  { name: 'app metrics on envoy\'s admin port', args: ['--proxyAdminPort', '19000'], env: { ISTIO_PROMETHEUS_ANNOTATIONS: '{"port":"19000"}' }, expect: /ISTIO_PROMETHEUS_ANNOTATIONS: port 19000 belongs to the agent or envoy/ },
  { name: 'an app probe of the agent\'s own /app-health', args: ['--statusPort', '16020'], env: { ISTIO_KUBE_APP_PROBERS: '{"/app-health/a/livez":{"httpGet":{"port":16020,"path":"/app-health/a/livez"}}}' }, expect: /\/app-health\/a\/livez: probes the agent's own \/app-health on the status port 16020/ },
];

for (const c of cases) {
  t.test(`bootstrap rejects ${c.name}`, async (t) => {
    const r = await runAgent(['bootstrap', ...c.args], { ...seedPodEnv, ...c.env }, hangTimeout);
    assertRejected(t, r, c.expect);
  });
}

t.test('proxy with a port conflict exits 2 before envoy starts', async (t) => {
  const dir = t.testdir();
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent(args, { ...seedPodEnv, ...env, ENVOY_PROMETHEUS_PORT: env.ENVOY_STATUS_PORT! }, hangTimeout);
  assertRejected(t, r, new RegExp(`^error: port conflict: ENVOY_STATUS_PORT and ENVOY_PROMETHEUS_PORT are both ${env.ENVOY_STATUS_PORT}`));
  t.notOk(envoy.started(), 'envoy never started');
});
