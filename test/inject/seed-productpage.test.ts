// The seed's productpage Deployment, injected with the seed's image, gives exactly what the seed prints.
import t from 'tap';
import { Deployment } from 'kubernetes-models/apps/v1';
import { parseArgs } from '../../src/flags/parse-args.js';
import { proxyFlags } from '../../src/config/proxy-flags.js';
import { seedProxyArgs } from '../helpers/agent.js';
import { container, fixtures, initCommand, inject, podTemplate, readDocs } from '../fixtures/inject/harness.js';

const seedImage = 'docker.io/istio/proxyv2:1.5.1';

t.test('productpage: containers, args, image and init command as the seed prints them', async (t) => {
  const out = await inject(['-f', `${fixtures}productpage.yaml`, '--image', seedImage]);
  t.equal(out.code, 0, out.stderr);
  t.equal(out.stderr, '');
  const [deployment] = readDocs(out.stdout);
  const spec = podTemplate(deployment!).spec;
  t.same(spec.containers.map((c: { name: string }) => c.name), ['productpage', 'istio-proxy']);
  t.same(spec.initContainers.map((c: { name: string }) => c.name), ['istio-init']);

  const app = container(deployment!, 'productpage');
  t.equal(app.image, 'docker.io/istio/examples-bookinfo-productpage-v1:1.15.0');
  t.same(app.ports, [{ containerPort: 9080 }]);

  const proxy = container(deployment!, 'istio-proxy');
  t.same(proxy.args, seedProxyArgs, 'the seed\'s proxy args, in order');
  t.equal(proxy.image, seedImage);
  t.same(proxy.ports, [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }]);
  t.same(proxy.readinessProbe.httpGet, { path: '/healthz/ready', port: 15021 });

  t.same(initCommand(deployment!), ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT',
    '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020'], 'the seed\'s, with envoy\'s health port 15021 also excluded');
  t.equal(spec.initContainers[0].image, seedImage);
});

t.test('productpage: the text of args and init command is quoted as istioctl quotes it', async (t) => {
  const out = await inject(['-f', `${fixtures}productpage.yaml`, '--image', seedImage]);
  for (const line of ['        - "15000"', '        - "2"', '        - "15020"', '        - 15090,15021,15020', "        - '*'",
    '        - ""', '        - "15001"', '        - $(POD_NAMESPACE).svc.cluster.local', '        - --proxyComponentLogLevel=misc:error']) {
    t.ok(out.stdout.split('\n').includes(line), `has line ${line.trim()}`);
  }
});

t.test('productpage: every flag written for the sidecar is one this agent accepts', async (t) => {
  const out = await inject(['-f', `${fixtures}productpage.yaml`]);
  const args: string[] = container(readDocs(out.stdout)[0]!, 'istio-proxy').args;
  t.same(args.slice(0, 2), ['proxy', 'sidecar']);
  const parsed = parseArgs(args.slice(1), proxyFlags);
  t.same(parsed.positionals, ['sidecar']);
  t.equal(parsed.values.discoveryAddress, 'istiod.istio-system.svc:15012');
  t.equal(parsed.values.concurrency, 2);
  t.equal(parsed.values.statusPort, 15020);
  t.equal(parsed.values.controlPlaneBootstrap, false);
});

t.test('productpage: the injected Deployment passes Kubernetes schema validation', async (t) => {
  const out = await inject(['-f', `${fixtures}productpage.yaml`]);
  const [deployment] = readDocs(out.stdout);
  t.doesNotThrow(() => new Deployment(deployment as never).validate());
  t.match(container(deployment!, 'istio-proxy').image, /^pilot-agent:\d+\.\d+\.\d+/, 'default image is this agent\'s');
});
