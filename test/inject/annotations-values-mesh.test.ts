// Per-pod annotations and the values / mesh knobs beyond the golden cases.
import t from 'tap';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { container, env, helloDeployment, injectText, podTemplate, type Obj } from '../fixtures/inject/harness.js';

const docs = t.testdir({
  'values.yaml': 'global:\n  network: net-a\n  proxy:\n    tracer: datadog\n    lifecycle:\n      preStop:\n        exec:\n          command: [sleep, "5"]\n',
  'mesh.yaml': 'sdsUdsPath: unix:/var/run/sds/uds_path\ndefaultConfig:\n  holdApplicationUntilProxyStarts: true\n  tracing:\n    datadog:\n      address: $(HOST_IP):8126\n  proxyMetadata:\n    B_META: "2"\n    A_META: "1"\n',
});
const input = [
  helloDeployment({
    'sidecar.istio.io/proxyCPU': '100m',
    'sidecar.istio.io/proxyMemory': '64Mi',
    'sidecar.istio.io/bootstrapOverride': 'my-bootstrap',
    'sidecar.istio.io/userVolume': '{"extra":{"secret":{"secretName":"s"}}}',
    'sidecar.istio.io/userVolumeMount': '{"extra":{"mountPath":"/extra","readOnly":true}}',
    'sidecar.istio.io/discoveryAddress': 'pilot.example:15012',
    'sidecar.istio.io/logLevel': 'debug',
  }),
  helloDeployment({ 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: false' }),
].join('---\n');

t.test('annotations, values and mesh config shape the sidecar', async (t) => {
  const { docs: [a, b] } = await injectText(input, ['--valuesFile', join(docs, 'values.yaml'), '--meshConfigFile', join(docs, 'mesh.yaml'), '--image', 'registry.example/agent:1']);
  const proxy = container(a!, 'istio-proxy');
  const arg = (flag: string): string => proxy.args[proxy.args.indexOf(flag) + 1];
  t.same(proxy.resources, { requests: { cpu: '100m', memory: '64Mi' } });
  t.same(proxy.args.slice(-2), ['--concurrency', '1'], 'worker count from the CPU request');
  t.equal(arg('--discoveryAddress'), 'pilot.example:15012');
  t.equal(arg('--datadogAgentAddress'), '$(HOST_IP):8126');
  t.ok(proxy.args.includes('--proxyLogLevel=debug'));
  t.equal(proxy.image, 'registry.example/agent:1');
  t.equal(env(a!, 'ISTIO_BOOTSTRAP_OVERRIDE'), '/etc/istio/custom-bootstrap/custom_bootstrap.json');
  t.equal(env(a!, 'ISTIO_META_NETWORK'), 'net-a');
  t.same(proxy.env.slice(-2), [{ name: 'A_META', value: '1' }, { name: 'B_META', value: '2' }], 'proxyMetadata, sorted');
  const tpl = podTemplate(a!);
  t.same(tpl.spec.volumes.map((v: Obj) => v.name), ['custom-bootstrap-volume', 'istio-envoy', 'podinfo', 'istio-token', 'istiod-ca-cert', 'extra']);
  t.same(tpl.spec.volumes[0].configMap, { name: 'my-bootstrap' });
  t.same(proxy.volumeMounts.at(-1), { mountPath: '/extra', name: 'extra', readOnly: true });
  t.same(tpl.spec.securityContext, { fsGroup: 1337 }, 'sdsUdsPath set: the SDS socket must be readable');
  t.same(tpl.spec.containers.map((c: Obj) => c.name), ['istio-proxy', 'hello'], 'mesh holdApplicationUntilProxyStarts');
  t.same(proxy.lifecycle, { postStart: { exec: { command: ['pilot-agent', 'wait'] } }, preStop: { exec: { command: ['sleep', '5'] } } });
  t.same(podTemplate(b!).spec.containers.map((c: Obj) => c.name), ['hello', 'istio-proxy'], 'the pod\'s proxy.istio.io/config wins');
  t.same(podTemplate(b!).spec.containers[1].lifecycle, { preStop: { exec: { command: ['sleep', '5'] } } });
  for (const doc of [a, b]) t.doesNotThrow(() => new Deployment(doc as never).validate());
});
