// Istio 1.5.0's TestIntoResourceFile cases (reference §12.1/§13.1): hello.yaml against the quoted golden,
// and each variant as its documented difference from that golden.
import t from 'tap';
import { parse, stringify } from 'yaml';
import { expectedHello, helloInput, normalise, proxyOf, setEnv, valuesFile } from '../fixtures/inject/golden.js';
import { Batch, goldenArgs, initCommand, injectText, type Obj } from '../fixtures/inject/harness.js';

/** hello.yaml with its pod template changed by `edit`. */
function hello(edit: (doc: Obj) => void): string {
  const doc = parse(helloInput()) as Obj;
  edit(doc);
  return stringify(doc);
}

async function injectOne(yaml: string, args: readonly string[]): Promise<Obj> {
  const { docs } = await injectText(yaml, args);
  return normalise(docs[0]) as Obj;
}

// Cases that differ only in their input share one run.
const batch = new Batch();
const queued = (yaml: string): (() => Promise<Obj>) => {
  const get = batch.add(yaml);
  return async () => normalise(await get()) as Obj;
};

const annotate = (annotations: Record<string, string>) => (doc: Obj) => {
  doc.spec.template.metadata.annotations = annotations;
};
const metaJson = (annotations: Record<string, string>): string =>
  `${JSON.stringify(Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : 1))))}\n`;

const q0 = queued(helloInput());
const q1 = queued(hello((d) => (d.spec.template.metadata.labels['security.istio.io/tlsMode'] = 'disabled')));
const q2 = queued(hello((d) => (d.metadata.namespace = 'test')));
const q6 = queued(hello((d) => (d.spec.template.spec.serviceAccountName = 'non-default')));
const q8 = queued(hello(annotate({ 'traffic.sidecar.istio.io/includeInboundPorts': '*', 'traffic.sidecar.istio.io/includeOutboundIPRanges': '*' })));
const q9 = queued(hello(annotate({ 'traffic.sidecar.istio.io/includeInboundPorts': '', 'traffic.sidecar.istio.io/includeOutboundIPRanges': '' })));
const q10a = queued(hello(annotate({ 'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1' })));
const q10b = queued(hello(annotate({ 'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1,net2' })));
const q11 = queued(hello(annotate({ 'sidecar.istio.io/interceptionMode': 'TPROXY' })));
const q12 = queued(hello(annotate({ 'sidecar.istio.io/interceptionMode': 'NONE' })));
const q13 = queued(hello((d) => {
  d.spec.template.spec.containers.push({ name: 'world', image: 'w', ports: [{ containerPort: 123 }, { containerPort: 53, protocol: 'UDP' }] }, { name: 'none', image: 'n' });
}));
const q14 = queued(hello(annotate({
  'status.sidecar.istio.io/port': '123', 'readiness.status.sidecar.istio.io/initialDelaySeconds': '100',
  'readiness.status.sidecar.istio.io/periodSeconds': '200', 'readiness.status.sidecar.istio.io/failureThreshold': '300' })));

const proxyImageAnn = { 'sidecar.istio.io/proxyImage': 'docker.io/istio/proxy2_debug:unittest' };
const q3 = queued(hello(annotate(proxyImageAnn)));
const init1 = { name: 'init1', image: 'busybox', command: ['true'] };
const q4 = queued(hello((d) => (d.spec.template.spec.initContainers = [init1])));
const coreDumpAnn = { 'sidecar.istio.io/enableCoreDump': 'true' };
const q5 = queued(hello(annotate(coreDumpAnn)));
const trafficAnn = {
    'traffic.sidecar.istio.io/includeOutboundIPRanges': '127.0.0.1/24,10.96.0.1/24',
    'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.96.0.2/24,10.96.0.3/24',
    'traffic.sidecar.istio.io/includeInboundPorts': '1,2,3',
    'traffic.sidecar.istio.io/excludeInboundPorts': '4,5,6',
    'traffic.sidecar.istio.io/excludeOutboundPorts': '7,8,9',
};
const q7 = queued(hello(annotate(trafficAnn)));

t.test('00 hello.yaml gives hello.yaml.injected', async (t) => {
  t.same((await q0()), expectedHello());
});

t.test('03 an existing tlsMode label is kept', async (t) => {
  const got = await q1();
  const want = expectedHello();
  want.spec.template.metadata.labels['security.istio.io/tlsMode'] = 'disabled';
  t.same(got, want);
});

t.test('04 the namespace goes into ISTIO_META_OWNER', async (t) => {
  const got = await q2();
  const want = expectedHello();
  want.metadata.namespace = 'test';
  setEnv(want, 'ISTIO_META_OWNER', 'kubernetes://apis/apps/v1/namespaces/test/deployments/hello');
  t.same(got, want);
});

t.test('05 sidecar.istio.io/proxyImage overrides the proxy image; annotations reach ISTIO_METAJSON_ANNOTATIONS', async (t) => {
  const ann = proxyImageAnn;
  const got = await q3();
  const want = expectedHello();
  Object.assign(want.spec.template.metadata.annotations, ann);
  proxyOf(want).image = 'docker.io/istio/proxy2_debug:unittest';
  setEnv(want, 'ISTIO_METAJSON_ANNOTATIONS', metaJson(ann), 'ISTIO_META_INTERCEPTION_MODE');
  t.same(got, want);
  t.equal(want.spec.template.spec.initContainers[0].image, 'gcr.io/istio-testing/proxyv2:latest', 'init image unaffected');
});

t.test('11/12 imagePullPolicy from values', async (t) => {
  for (const policy of ['Always', 'Never']) {
    const got = await injectOne(helloInput(), ['--valuesFile', valuesFile(t.testdir(), { global: { imagePullPolicy: policy } }), '--meshConfigFile', goldenArgs[3]!]);
    const want = expectedHello();
    proxyOf(want).imagePullPolicy = policy;
    want.spec.template.spec.initContainers[0].imagePullPolicy = policy;
    t.same(got, want, policy);
  }
});

t.test('14 existing init containers stay first', async (t) => {
  const init = init1;
  const got = await q4();
  const want = expectedHello();
  want.spec.template.spec.initContainers.unshift(init);
  t.same(got, want);
});

t.test('16 enableCoreDump adds enable-core-dump and a writable proxy root', async (t) => {
  const got = await injectOne(helloInput(), ['--valuesFile', valuesFile(t.testdir(), { global: { proxy: { enableCoreDump: true } } }), '--meshConfigFile', goldenArgs[3]!]);
  const inits = got.spec.template.spec.initContainers;
  t.same(inits.map((c: Obj) => c.name), ['istio-init', 'enable-core-dump']);
  t.same(inits[1].command, ['/bin/sh']);
  t.same(inits[1].args, ['-c', 'sysctl -w kernel.core_pattern=/var/lib/istio/core.proxy && ulimit -c unlimited']);
  t.same(inits[1].securityContext, { allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] }, privileged: true,
    readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 });
  t.equal(proxyOf(got).securityContext.readOnlyRootFilesystem, false);
  t.match(got.spec.template.metadata.annotations['sidecar.istio.io/status'], '"initContainers":["istio-init","enable-core-dump"]');
});

t.test('17 the enableCoreDump annotation only reaches ISTIO_METAJSON_ANNOTATIONS', async (t) => {
  const ann = coreDumpAnn;
  const got = await q5();
  const want = expectedHello();
  Object.assign(want.spec.template.metadata.annotations, ann);
  setEnv(want, 'ISTIO_METAJSON_ANNOTATIONS', metaJson(ann), 'ISTIO_META_INTERCEPTION_MODE');
  t.same(got, want);
});

t.test('19 a non-default service account is kept', async (t) => {
  const got = await q6();
  const want = expectedHello();
  want.spec.template.spec.serviceAccountName = 'non-default';
  t.same(got, want);
});

t.test('01 CNI: istio-validation checks instead of applying rules', async (t) => {
  const got = await injectOne(helloInput(), ['--valuesFile', valuesFile(t.testdir(), { istio_cni: { enabled: true } }), '--meshConfigFile', goldenArgs[3]!]);
  const want = expectedHello();
  const init = want.spec.template.spec.initContainers[0];
  init.name = 'istio-validation';
  init.command.push('--run-validation', '--skip-rule-apply');
  Object.assign(init.securityContext, { capabilities: { drop: ['ALL'] }, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 });
  const ann = want.spec.template.metadata.annotations;
  ann['sidecar.istio.io/status'] = ann['sidecar.istio.io/status'].replace('istio-init', 'istio-validation');
  t.same(got, want);
});

t.test('33 traffic values, status port 0: no readiness probe and no --statusPort', async (t) => {
  const values = { global: { proxy: { includeIPRanges: '127.0.0.1/24,10.96.0.1/24', excludeIPRanges: '10.96.0.2/24,10.96.0.3/24', excludeInboundPorts: '4,5,6', statusPort: 0 } } };
  const got = await injectOne(helloInput(), ['--valuesFile', valuesFile(t.testdir(), values), '--meshConfigFile', goldenArgs[3]!]);
  t.same(initCommand(got).slice(9), ['-i', '127.0.0.1/24,10.96.0.1/24', '-x', '10.96.0.2/24,10.96.0.3/24', '-b', '*', '-d', '15090,15021,4,5,6']);
  t.notOk(proxyOf(got).readinessProbe);
  t.notOk(proxyOf(got).args.includes('--statusPort'));
  t.equal(got.spec.template.metadata.annotations['traffic.sidecar.istio.io/excludeInboundPorts'], '4,5,6');
});

t.test('35 traffic annotations drive istio-iptables and are written back', async (t) => {
  const ann = trafficAnn;
  const got = await q7();
  t.same(initCommand(got).slice(9), ['-i', '127.0.0.1/24,10.96.0.1/24', '-x', '10.96.0.2/24,10.96.0.3/24', '-b', '1,2,3',
    '-d', '15090,15021,4,5,6,15020', '-o', '7,8,9']);
  const written = got.spec.template.metadata.annotations;
  t.equal(written['traffic.sidecar.istio.io/excludeInboundPorts'], '4,5,6,15020');
  t.equal(written['traffic.sidecar.istio.io/includeInboundPorts'], '1,2,3');
  t.equal(proxyOf(got).env.find((e: Obj) => e.name === 'ISTIO_METAJSON_ANNOTATIONS').value, metaJson(ann));
});

t.test('36/37 wildcard and empty include annotations', async (t) => {
  const wild = await q8();
  t.same(initCommand(wild).slice(9, 15), ['-i', '*', '-x', '', '-b', '*']);
  const empty = await q9();
  t.same(initCommand(empty).slice(9, 15), ['-i', '', '-x', '', '-b', '']);
});

t.test('38 includeInboundPorts collects every container\'s TCP ports', async (t) => {
  const got = await q13();
  t.equal(got.spec.template.metadata.annotations['traffic.sidecar.istio.io/includeInboundPorts'], '80,123');
  t.equal(proxyOf(got).env.find((e: Obj) => e.name === 'ISTIO_META_POD_PORTS').value,
    '[\n    {"name":"http","containerPort":80}\n    ,{"containerPort":123}\n    ,{"containerPort":53,"protocol":"UDP"}\n]');
});

t.test('39/40 status port and readiness settings from values or annotations', async (t) => {
  const fromValues = await injectOne(helloInput(), ['--valuesFile', valuesFile(t.testdir(), { global: { proxy: {
    statusPort: 123, readinessInitialDelaySeconds: 100, readinessPeriodSeconds: 200, readinessFailureThreshold: 300 } } }), '--meshConfigFile', goldenArgs[3]!]);
  const fromAnnotations = await q14();
  for (const got of [fromValues, fromAnnotations]) {
    const proxy = proxyOf(got);
    t.equal(proxy.args[proxy.args.indexOf('--statusPort') + 1], '123');
    t.same(proxy.readinessProbe, { failureThreshold: 300, httpGet: { path: '/healthz/ready', port: 15021 }, initialDelaySeconds: 100, periodSeconds: 200 });
    t.same(initCommand(got).slice(-2), ['-d', '15090,15021,123']);
    t.equal(got.spec.template.metadata.annotations['traffic.sidecar.istio.io/excludeInboundPorts'], '123');
  }
});

t.test('41/42 kubevirtInterfaces becomes -k', async (t) => {
  t.same(initCommand(await q10a()).slice(-2), ['-k', 'net1']);
  t.same(initCommand(await q10b()).slice(-2), ['-k', 'net1,net2']);
});

t.test('44 mountMtlsCerts mounts the istio.<service account> secret', async (t) => {
  const got = await injectOne(helloInput(), ['--valuesFile', valuesFile(t.testdir(), { global: { mountMtlsCerts: true } }), '--meshConfigFile', goldenArgs[3]!]);
  t.same(got.spec.template.spec.volumes.at(-1), { name: 'istio-certs', secret: { optional: true, secretName: 'istio.default' } });
  t.ok(proxyOf(got).volumeMounts.some((m: Obj) => m.name === 'istio-certs' && m.mountPath === '/etc/certs/' && m.readOnly === true));
});

t.test('TPROXY: envoy runs as root with NET_ADMIN, iptables in TPROXY mode', async (t) => {
  const got = await q11();
  t.same(initCommand(got).slice(7, 9), ['-m', 'TPROXY']);
  const proxy = proxyOf(got);
  t.same(proxy.securityContext.capabilities, { add: ['NET_ADMIN'], drop: ['ALL'] });
  t.equal(proxy.securityContext.runAsUser, 0);
  t.equal(proxy.securityContext.runAsNonRoot, false);
  t.equal(proxy.env.find((e: Obj) => e.name === 'ISTIO_META_INTERCEPTION_MODE').value, 'TPROXY');
});

t.test('NONE: no capture, so no init container', async (t) => {
  const got = await q12();
  t.notOk(got.spec.template.spec.initContainers);
  t.match(got.spec.template.metadata.annotations['sidecar.istio.io/status'], '"initContainers":null');
});

t.test('the default mesh config (a 1.5 install) differs from the golden\'s only in its mesh settings', async (t) => {
  const { docs } = await injectText(helloInput(), ['--valuesFile', goldenArgs[1]!]);
  const got = normalise(docs[0]) as Obj;
  const want = expectedHello();
  const args: string[] = proxyOf(want).args;
  args.splice(args.indexOf('--discoveryAddress') + 1, 1, 'istiod.istio-system.svc:15012');
  args.splice(args.indexOf('--zipkinAddress') + 1, 1, 'zipkin.istio-system:9411');
  args.splice(args.indexOf('--connectTimeout') + 1, 1, '10s');
  args.splice(args.length - 2, 2);
  args.splice(args.indexOf('--controlPlaneAuthPolicy'), 0, '--concurrency', '2');
  t.same(got, want);
});
