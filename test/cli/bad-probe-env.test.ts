// ISTIO_KUBE_APP_PROBERS and ISTIO_PROMETHEUS_ANNOTATIONS the agent cannot use.
// Each bad input: exit 2, exactly one line on stderr that names it, no stack trace, nothing on stdout.
// (One of the files split from the former bad-input.test.ts so the agent spawns run in parallel.)
import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected } from '../helpers/rejected.js';

const cases: { name: string; args: string[]; env?: Record<string, string>; expect: RegExp }[] = [
  { name: 'an app probe table that is not JSON', args: ['bootstrap'], env: { ISTIO_KUBE_APP_PROBERS: '{nope' }, expect: /^error: invalid value for ISTIO_KUBE_APP_PROBERS: not JSON/ },
  { name: 'an app probe path outside /app-health', args: ['bootstrap'], env: { ISTIO_KUBE_APP_PROBERS: '{"/etc/passwd":{"httpGet":{"port":80}}}' }, expect: /key "\/etc\/passwd" must have the form \/app-health\/<container>\/livez\|readyz\|startupz/ },
  { name: 'an app probe with a named port', args: ['bootstrap'], env: { ISTIO_KUBE_APP_PROBERS: '{"/app-health/a/livez":{"httpGet":{"port":"http"}}}' }, expect: /\/app-health\/a\/livez: the port must be a number/ },
  { name: 'an app probe with two actions', args: ['bootstrap'], env: { ISTIO_KUBE_APP_PROBERS: '{"/app-health/a/livez":{"httpGet":{"port":80},"tcpSocket":{"port":80}}}' }, expect: /expected exactly one of httpGet, tcpSocket/ },
  { name: 'app metrics on an agent port', args: ['bootstrap'], env: { ISTIO_PROMETHEUS_ANNOTATIONS: '{"port":"15090"}' }, expect: /ISTIO_PROMETHEUS_ANNOTATIONS: port 15090 belongs to the agent or envoy/ },
];

for (const c of cases) {
  t.test(`rejects ${c.name} with exit 2 and one line`, async (t) => {
    assertRejected(t, await runAgent(c.args, { ...seedPodEnv, ...c.env }), c.expect);
  });
}
