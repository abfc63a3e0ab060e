// What the agent needs to speak mutual TLS to istiod is in kube-inject's output: the environment it reads, the
// token where the agent looks for it (JWT_POLICY's path, relative to the container's working directory /), istiod's
// root, a writable /etc/istio/proxy for the SDS socket, and, when asked for, the mounted certificates in --certDir.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { tokenPaths as jwtPaths } from '../../src/config/ca-client.js';
import { proxyFlags } from '../../src/config/proxy-flags.js';
import { parseArgs } from '../../src/flags/parse-args.js';
import { container, fixtures, inject, podTemplate, readDocs, type Obj } from '../fixtures/inject/harness.js';
import { injectedCaEnv } from '../helpers/agent.js';

async function injectedPod(t: Test, values?: string): Promise<{ proxy: Obj; volumes: Obj[]; spec: Obj }> {
  const args = ['-f', `${fixtures}productpage.yaml`];
  if (values !== undefined) {
    const file = join(t.testdir(), 'values.yaml');
    writeFileSync(file, values);
    args.push('--valuesFile', file);
  }
  const out = await inject(args);
  t.equal(out.code, 0, out.stderr);
  const [deployment] = readDocs(out.stdout);
  const spec = podTemplate(deployment!).spec;
  return { proxy: container(deployment!, 'istio-proxy'), volumes: spec.volumes, spec };
}

const env = (proxy: Obj): Record<string, Obj> => Object.fromEntries(proxy.env.map((e: Obj) => [e.name, e]));
/** The file a mount puts at `path`, as volume name and the path inside the volume. */
function fileAt(proxy: Obj, path: string): { volume: string; inside: string } | undefined {
  const mount = proxy.volumeMounts.find((m: Obj) => path.startsWith(`${String(m.mountPath).replace(/\/$/, '')}/`));
  return mount && { volume: mount.name, inside: path.slice(String(mount.mountPath).replace(/\/$/, '').length + 1) };
}

t.test('the default injection carries the token, istiod\'s root and the identity the agent reads', async (t) => {
  const { proxy, volumes } = await injectedPod(t);
  const e = env(proxy);
  t.equal(e.JWT_POLICY?.value, 'third-party-jwt');
  t.equal(e.PILOT_CERT_PROVIDER?.value, 'istiod');
  t.match(e.CA_ADDR?.value, /:15012$/, 'the CA on istiod\'s TLS port');
  t.same({ JWT_POLICY: e.JWT_POLICY?.value, PILOT_CERT_PROVIDER: e.PILOT_CERT_PROVIDER?.value, CA_ADDR: e.CA_ADDR?.value }, injectedCaEnv,
    'what the real-Envoy CA tests give the agent as the injected environment');
  t.same(e.POD_NAMESPACE?.valueFrom, { fieldRef: { fieldPath: 'metadata.namespace' } }, 'the namespace of the SPIFFE identity');
  t.same(e.SERVICE_ACCOUNT?.valueFrom, { fieldRef: { fieldPath: 'spec.serviceAccountName' } }, 'and its service account');

  const args = parseArgs(proxy.args.slice(1), proxyFlags).values;
  t.match(args.discoveryAddress, /:15012$/, 'the discovery port that makes the agent speak mutual TLS');
  t.equal(args['trust-domain'], 'cluster.local');

  // The agent reads ./var/run/secrets/tokens/istio-token from the working directory / (the image's WORKDIR).
  const token = fileAt(proxy, jwtPaths['third-party-jwt']!.replace(/^\./, ''));
  t.ok(token, 'a mount holds the token where the agent looks');
  const tokenVolume = volumes.find((v: Obj) => v.name === token?.volume);
  t.same(tokenVolume?.projected.sources, [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: token?.inside } }],
    'a projected service-account token for istiod\'s CA');

  const root = fileAt(proxy, '/var/run/secrets/istio/root-cert.pem');
  t.same(volumes.find((v: Obj) => v.name === root?.volume)?.configMap, { name: 'istio-ca-root-cert' }, 'istiod\'s root from its ConfigMap');
  const proxyDir = fileAt(proxy, `${args.configPath}/SDS`);
  t.same(volumes.find((v: Obj) => v.name === proxyDir?.volume)?.emptyDir, { medium: 'Memory' }, 'a writable --configPath for the SDS socket');
});

t.test('mountMtlsCerts mounts the workload\'s secret at the agent\'s --certDir', async (t) => {
  const { proxy, volumes } = await injectedPod(t, 'global:\n  mountMtlsCerts: true\n');
  const certDir = String(parseArgs(proxy.args.slice(1), proxyFlags).values.certDir);
  for (const file of ['cert-chain.pem', 'key.pem', 'root-cert.pem']) {
    const at = fileAt(proxy, `${certDir}/${file}`);
    t.same(volumes.find((v: Obj) => v.name === at?.volume)?.secret, { optional: true, secretName: 'istio.bookinfo-productpage' }, `${file} from the service account's secret`);
  }
});

t.test('first-party-jwt: no projected token, and the service-account token stays mounted', async (t) => {
  const { proxy, volumes, spec } = await injectedPod(t, 'global:\n  jwtPolicy: first-party-jwt\n');
  t.equal(env(proxy).JWT_POLICY?.value, 'first-party-jwt');
  t.notOk(volumes.some((v: Obj) => v.projected), 'no projected token');
  t.not(spec.automountServiceAccountToken, false, `${jwtPaths['first-party-jwt']} is kubelet's automounted token`);
});
