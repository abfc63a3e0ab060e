// How the agent decides to speak mutual TLS to the control plane, and whom it expects there (Istio 1.5's rule):
// --controlPlaneAuthPolicy MUTUAL_TLS expects the pilot service account; istiod's TLS port 15012 forces mutual TLS
// and expects istiod's own name; and on 15012 with nothing to authenticate with, `proxy` refuses to start.
import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected, hangTimeout, proxyArgs, spyEnvoy } from '../helpers/rejected.js';

interface Matcher {
  readonly san_type: string;
  readonly matcher: { readonly exact: string };
}

/** The xds-grpc cluster's expected names, or undefined when it has no TLS. */
async function expectedSans(args: string[], env: Record<string, string> = {}): Promise<Matcher[] | undefined> {
  const r = await runAgent(['bootstrap', ...args], { ...seedPodEnv, ...env });
  if (r.code !== 0) throw new Error(r.stderr);
  const b = JSON.parse(r.stdout);
  const xds = b.static_resources.clusters.find((c: { name: string }) => c.name === 'xds-grpc');
  return xds.transport_socket?.typed_config.common_tls_context.combined_validation_context.default_validation_context.match_typed_subject_alt_names;
}

const pilotSa = (ns: string): Matcher => ({ san_type: 'URI', matcher: { exact: `spiffe://cluster.local/ns/${ns}/sa/istio-pilot-service-account` } });
const dns = (name: string): Matcher => ({ san_type: 'DNS', matcher: { exact: name } });

const cases: { name: string; args: string[]; env?: Record<string, string>; sans: Matcher[] | undefined }[] = [
  { name: 'NONE on the plain-text port: no TLS', args: ['--discoveryAddress', 'istiod.istio-system.svc:15010'], sans: undefined },
  { name: 'NONE on istiod\'s port 15012: mutual TLS to istiod\'s DNS name', args: ['--discoveryAddress', 'istiod.istio-system.svc:15012'], sans: [dns('istiod.istio-system.svc')] },
  { name: 'a control plane in another namespace on 15012', args: ['--discoveryAddress', 'istiod.mesh-cp.svc:15012'], sans: [dns('istiod.mesh-cp.svc')] },
  { name: 'localhost:15012 means istiod.istio-system.svc (1.5\'s local-debugging case)', args: ['--discoveryAddress', 'localhost:15012'], sans: [dns('istiod.istio-system.svc')] },
  { name: 'an IP on 15012: istiod must present it as an IP SAN', args: ['--discoveryAddress', '10.0.0.9:15012'], sans: [{ san_type: 'IP_ADDRESS', matcher: { exact: '10.0.0.9' } }] },
  { name: 'MUTUAL_TLS on another port: the pilot service account of the discovery host\'s namespace', args: ['--controlPlaneAuthPolicy', 'MUTUAL_TLS', '--discoveryAddress', 'istio-pilot.cp.svc:15011'], sans: [pilotSa('cp')] },
  { name: 'MUTUAL_TLS to an IP: the namespace comes from ISTIO_NAMESPACE', args: ['--controlPlaneAuthPolicy', 'MUTUAL_TLS', '--discoveryAddress', '10.0.0.9:15011'], env: { ISTIO_NAMESPACE: 'cp' }, sans: [pilotSa('cp')] },
  { name: 'MUTUAL_TLS on 15012: either name is accepted', args: ['--controlPlaneAuthPolicy', 'MUTUAL_TLS', '--discoveryAddress', 'istiod.istio-system.svc:15012'], sans: [pilotSa('istio-system'), dns('istiod.istio-system.svc')] },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.same(await expectedSans(c.args, c.env), c.sans);
  });
}

t.test('proxy on 15012 with no token and no mounted key exits 2 naming both, and never starts envoy', async (t) => {
  const dir = t.testdir();
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent([...args, '--discoveryAddress', 'istiod.istio-system.svc:15012', '--certDir', `${dir}/certs`], { ...seedPodEnv, ...env }, { ...hangTimeout, cwd: dir });
  assertRejected(t, r, /^error: can't authenticate with the control plane at istiod\.istio-system\.svc:15012 \(istiod's TLS port\): no token at \.\/var\/run\/secrets\/tokens\/istio-token \(JWT_POLICY=third-party-jwt\) and no key at .*\/certs\/key\.pem; mount the token or the certificates, or use the plain-text port 15010$/m);
  t.notOk(envoy.started(), 'envoy never started');
});

t.test('a JWT_POLICY that names no token says so', async (t) => {
  const dir = t.testdir();
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent([...args, '--discoveryAddress', 'istiod.istio-system.svc:15012', '--certDir', `${dir}/certs`], { ...seedPodEnv, ...env, JWT_POLICY: 'none' }, { ...hangTimeout, cwd: dir });
  assertRejected(t, r, /JWT_POLICY=none names no token and no key at /);
});
