// Every environment knob of `proxy` is read at one moment, before the first log line: a bad one is exit 2,
// one line on stderr, nothing on stdout, and envoy never starts.
import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected, hangTimeout, proxyArgs, spyEnvoy } from '../helpers/rejected.js';

const knobs: [string, string, RegExp][] = [
  ['FILE_DEBOUNCE_DURATION', 'soon', /"soon" for FILE_DEBOUNCE_DURATION: expected a Go duration/],
  ['CERT_REHASH_INTERVAL', '30', /"30" for CERT_REHASH_INTERVAL: expected a Go duration/],
  ['ENVOY_HOT_RESTART_MIN_INTERVAL', 'often', /"often" for ENVOY_HOT_RESTART_MIN_INTERVAL/],
];

for (const [name, value, expect] of knobs) {
  t.test(`proxy with ${name}=${value} exits 2 before logging or starting anything`, async (t) => {
    const dir = t.testdir();
    const envoy = spyEnvoy(dir);
    const { args, env } = await proxyArgs(dir, envoy);
    const r = await runAgent(args, { ...seedPodEnv, ...env, [name]: value }, hangTimeout);
    assertRejected(t, r, expect);
    t.notOk(envoy.started(), 'envoy never started');
  });
}
