// App probes rewritten to the agent's status port, and holdApplicationUntilProxyStarts.
import t from 'tap';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Batch, env, podTemplate, type Obj } from '../fixtures/inject/harness.js';

const probed = (annotations: string, extra = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  selector:
    matchLabels: {app: hello}
  template:
    metadata:
      labels: {app: hello}
${annotations}
    spec:
      containers:
      - name: hello
        image: hello
        ports:
        - {name: http, containerPort: 80}
        livenessProbe:
          httpGet: {port: http}
        readinessProbe:
          httpGet: {path: /ready, port: 3333, scheme: HTTPS}
          timeoutSeconds: 5
        startupProbe:
          httpGet: {path: /started, port: 80, httpHeaders: [{name: X-A, value: b}]}
      - name: world
        image: world
        ports:
        - {name: http, containerPort: 90}
        livenessProbe:
          httpGet: {port: http}
        readinessProbe:
          exec: {command: [cat, /ready]}
${extra}`;

const batch = new Batch([]);
const enabled = batch.add(probed(`      annotations:\n        sidecar.istio.io/rewriteAppHTTPProbers: "true"`));
const byDefault = batch.add(probed(''));
const held = batch.add(probed(`      annotations:\n        proxy.istio.io/config: '{"holdApplicationUntilProxyStarts": true}'`));

t.test('HTTP probes go to /app-health/<container>/<kind> on the status port', async (t) => {
  const doc = await enabled();
  const [hello, world] = podTemplate(doc).spec.containers as Obj[];
  t.same(hello!.livenessProbe, { httpGet: { port: 15020, path: '/app-health/hello/livez' } });
  t.same(hello!.readinessProbe, { httpGet: { path: '/app-health/hello/readyz', port: 15020, scheme: 'HTTP' }, timeoutSeconds: 5 });
  t.same(hello!.startupProbe.httpGet, { path: '/app-health/hello/startupz', port: 15020, httpHeaders: [{ name: 'X-A', value: 'b' }] });
  t.same(world!.livenessProbe, { httpGet: { port: 15020, path: '/app-health/world/livez' } });
  t.same(world!.readinessProbe, { exec: { command: ['cat', '/ready'] } }, 'exec probes untouched');
  t.equal(env(doc, 'ISTIO_KUBE_APP_PROBERS'),
    '{"/app-health/hello/livez":{"httpGet":{"port":80}},"/app-health/hello/readyz":{"httpGet":{"path":"/ready","port":3333,"scheme":"HTTPS"},"timeoutSeconds":5},' +
    '"/app-health/hello/startupz":{"httpGet":{"path":"/started","port":80,"httpHeaders":[{"name":"X-A","value":"b"}]}},"/app-health/world/livez":{"httpGet":{"port":90}}}');
  const proxyEnv = podTemplate(doc).spec.containers[2].env as Obj[];
  t.equal(proxyEnv.at(-1)!.name, 'ISTIO_KUBE_APP_PROBERS', 'appended last');
  t.doesNotThrow(() => new Deployment(doc as never).validate());
});

t.test('without the annotation or the value, probes are left alone (Istio 1.5.0/1.5.1 default)', async (t) => {
  const doc = await byDefault();
  t.same(podTemplate(doc).spec.containers[0].livenessProbe, { httpGet: { port: 'http' } });
  t.equal(env(doc, 'ISTIO_KUBE_APP_PROBERS'), undefined);
});

t.test('holdApplicationUntilProxyStarts: proxy first, with a `pilot-agent wait` postStart hook', async (t) => {
  const doc = await held();
  const containers = podTemplate(doc).spec.containers as Obj[];
  t.same(containers.map((c) => c.name), ['istio-proxy', 'hello', 'world']);
  t.same(containers[0]!.lifecycle, { postStart: { exec: { command: ['pilot-agent', 'wait'] } } });
  t.doesNotThrow(() => new Deployment(doc as never).validate());
});
