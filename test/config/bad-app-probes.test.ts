import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected, hangTimeout, proxyArgs, spyEnvoy } from '../helpers/rejected.js';

// ISTIO_KUBE_APP_PROBERS: what node's http client would refuse when the probe is sent (every probe
// then answered 500) is refused at start instead, naming the probe key and the header.

const probe = (httpGet: Record<string, unknown>): string => JSON.stringify({ '/app-health/web/readyz': { httpGet: { port: 8080, ...httpGet } } });

const cases: { name: string; probers: string; expect: RegExp }[] = [
  { name: 'a header name with a space', probers: probe({ httpHeaders: [{ name: 'X Custom', value: 'v' }] }), expect: /^error: invalid value for ISTIO_KUBE_APP_PROBERS: \/app-health\/web\/readyz: header name "X Custom" is not an HTTP token/ },
  { name: 'a header value with CRLF', probers: probe({ httpHeaders: [{ name: 'X-Custom', value: 'v\r\nInjected: 1' }] }), expect: /\/app-health\/web\/readyz: header "X-Custom" has a value with a line break or control character: "v\\r\\nInjected: 1"/ },
  { name: 'a header value with a NUL', probers: probe({ httpHeaders: [{ name: 'X-Custom', value: 'a\u0000b' }] }), expect: /header "X-Custom" has a value with a line break or control character/ },
  { name: 'a path with a newline', probers: probe({ path: '/ready\nz' }), expect: /\/app-health\/web\/readyz: path "\/ready\\nz" must be visible ASCII without spaces/ },
  { name: 'a path with a space', probers: probe({ path: '/ready z' }), expect: /path "\/ready z" must be visible ASCII/ },
  { name: 'a host with CRLF', probers: probe({ host: 'app\r\nx' }), expect: /\/app-health\/web\/readyz: host "app\\r\\nx" must be an IP address or a DNS name/ },
];

for (const c of cases) {
  t.test(`rejects an app probe with ${c.name}`, async (t) => {
    const r = await runAgent(['bootstrap'], { ...seedPodEnv, ISTIO_KUBE_APP_PROBERS: c.probers }, hangTimeout);
    assertRejected(t, r, c.expect);
  });
}

t.test('proxy with a CRLF header in an app probe exits 2 before envoy starts', async (t) => {
  const dir = t.testdir();
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent(args, { ...seedPodEnv, ...env, ISTIO_KUBE_APP_PROBERS: cases[1]!.probers }, hangTimeout);
  assertRejected(t, r, cases[1]!.expect);
  t.notOk(envoy.started(), 'envoy never started');
});

t.test('valid headers, paths and hosts are accepted', async (t) => {
  const probers = probe({ host: 'localhost', path: '/healthz?full=1', httpHeaders: [{ name: 'X-Custom', value: 'a b\tc' }] });
  const r = await runAgent(['bootstrap'], { ...seedPodEnv, ISTIO_KUBE_APP_PROBERS: probers });
  t.equal(r.code, 0, r.stderr);
});
