import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected, hangTimeout, proxyArgs, spyEnvoy } from '../helpers/rejected.js';

// Envoy's node id is <role>~<ip>~<id>~<domain>: a "~", space or newline in a part corrupts it for
// istiod and every log. Kubernetes names follow DNS-1123. --concurrency is a thread count.

const cases: { name: string; args: string[]; env?: Record<string, string>; expect: RegExp }[] = [
  { name: 'a concurrency of 4294967295', args: ['--concurrency', '4294967295'], expect: /^error: invalid value "4294967295" for --concurrency: expected a number of envoy worker threads from 0 \(envoy decides\) to 1024/ },
  { name: 'an --id holding "~"', args: ['--id', 'a~b'], expect: /^error: invalid value "a~b" for --id: expected 1 to 253 visible ASCII characters without spaces or "~"/ },
  { name: 'an --id holding a newline', args: ['--id', 'a\nb'], expect: /^error: invalid value "a\\nb" for --id/ },
  { name: 'a --domain holding a space', args: ['--domain', 'default.svc cluster.local'], expect: /^error: invalid value "default\.svc cluster\.local" for --domain: expected a DNS domain/ },
  { name: 'a --domain holding "~"', args: ['--domain', 'a~b.local'], expect: /"a~b\.local" for --domain/ },
  { name: 'a --serviceCluster holding a space', args: ['--serviceCluster', 'product page'], expect: /^error: invalid value "product page" for --serviceCluster/ },
  { name: 'a POD_NAME holding a newline', args: [], env: { POD_NAME: 'app\nx' }, expect: /^error: invalid value "app\\nx" for POD_NAME: expected a Kubernetes pod name/ },
  { name: 'a POD_NAME holding "~"', args: [], env: { POD_NAME: 'app~1' }, expect: /"app~1" for POD_NAME/ },
  { name: 'a POD_NAMESPACE holding a space', args: [], env: { POD_NAMESPACE: 'my ns' }, expect: /^error: invalid value "my ns" for POD_NAMESPACE: expected a Kubernetes namespace/ },
  { name: 'a POD_NAMESPACE holding "~"', args: [], env: { POD_NAMESPACE: 'a~b' }, expect: /"a~b" for POD_NAMESPACE/ },
];

for (const c of cases) {
  t.test(`bootstrap rejects ${c.name}`, async (t) => {
    const r = await runAgent(['bootstrap', ...c.args], { ...seedPodEnv, ...c.env }, hangTimeout);
    assertRejected(t, r, c.expect);
  });
}

t.test('proxy with a POD_NAME holding "~" exits 2 before envoy starts', async (t) => {
  const dir = t.testdir();
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent(args, { ...seedPodEnv, ...env, POD_NAME: 'app~1' }, hangTimeout);
  assertRejected(t, r, /"app~1" for POD_NAME/);
  t.notOk(envoy.started(), 'envoy never started');
});

t.test('the names the injector writes are accepted', async (t) => {
  const r = await runAgent(['bootstrap', '--domain', 'default.svc.cluster.local', '--serviceCluster', 'productpage.default', '--concurrency', '2'], seedPodEnv);
  t.equal(r.code, 0, r.stderr);
  t.equal(JSON.parse(r.stdout).node.id, 'sidecar~10.1.2.3~productpage-v1-abc.default~default.svc.cluster.local');
});
