// kube-inject's native-sidecar mode (Kubernetes ≥ 1.29): istio-proxy becomes an init container with
// `restartPolicy: Always` after istio-init, with a startupProbe instead of a postStart hook; everything
// else is the classic injection. Opted into per run (--nativeSidecar, ENABLE_NATIVE_SIDECARS=true) or per
// pod (sidecar.istio.io/nativeSidecar, which wins).
import { writeFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Pod, type IContainer } from 'kubernetes-models/v1';
import t from 'tap';
import { runAgent } from '../helpers/agent.js';
import { Batch, helloDeployment, inject, podTemplate, readDocs, type Obj } from '../fixtures/inject/harness.js';

const rewrite = { 'sidecar.istio.io/rewriteAppHTTPProbers': 'true', 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: true' };
const probedHello = (annotations: Record<string, string>): string =>
  `${helloDeployment(annotations)}          readinessProbe:\n            httpGet: {path: /ready, port: 80}\n`;
const job = `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n      initContainers:\n      - {name: fetch, image: busybox}\n      containers:\n      - {name: pi, image: perl, command: [perl, -e, 'print 1']}\n      restartPolicy: Never\n`;
const cron = `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - {name: c, image: busybox}\n          restartPolicy: OnFailure\n`;
const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - {name: p, image: busybox}\n`;

const native = new Batch(['--nativeSidecar']);
const nativeHello = native.add(probedHello(rewrite));
const nativeJob = native.add(job);
const nativeCron = native.add(cron);
const nativePod = native.add(pod);
const otherStatusPort = native.add(pod.replace('  name: p\n', '  name: p\n  annotations: {"status.sidecar.istio.io/port": "15099"}\n'));
const optedOut = native.add(probedHello({ ...rewrite, 'sidecar.istio.io/nativeSidecar': 'false' }));
const classic = new Batch([]);
const classicHello = classic.add(probedHello(rewrite));
const optedIn = classic.add(probedHello({ ...rewrite, 'sidecar.istio.io/nativeSidecar': 'true' }));

const byName = (list: Obj[] | undefined, name: string): Obj | undefined => list?.find((c) => c.name === name);
/** The classic proxy with the native differences taken out: what must stay the same. */
function withoutNativeParts(proxy: Obj): Obj {
  const { restartPolicy: _r, startupProbe: _s, lifecycle: _l, ...rest } = proxy;
  const knobs = ['EXIT_ON_ZERO_ACTIVE_CONNECTIONS', 'MINIMUM_DRAIN_DURATION'];
  return { ...rest, env: (rest.env as Obj[]).filter((e) => !knobs.includes(e.name)) };
}

t.test('the proxy is an init container after istio-init, restartPolicy Always, with a startupProbe and no postStart hook', async (t) => {
  const spec = podTemplate(await nativeHello()).spec;
  t.same(spec.containers.map((c: Obj) => c.name), ['hello'], 'containers hold only the app');
  t.same(spec.initContainers.map((c: Obj) => c.name), ['istio-init', 'istio-proxy']);
  const proxy = byName(spec.initContainers, 'istio-proxy') as IContainer;
  const restartPolicy: IContainer['restartPolicy'] = proxy.restartPolicy; // a compile error if the schema lacked the field
  t.equal(restartPolicy, 'Always');
  t.same(proxy.startupProbe, { failureThreshold: 600, httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, timeoutSeconds: 3 }, "Istio's startupProbe on envoy's health port");
  t.notOk(proxy.lifecycle?.postStart, 'no postStart wait: Kubernetes holds the app until the startupProbe passes (holdApplicationUntilProxyStarts ignored)');
  t.same(proxy.lifecycle?.preStop?.exec?.command, ['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain'], "Istio's preStop: drain when the pod's shutdown begins");
  const env = new Map((proxy.env ?? []).map((e) => [e.name, e.value]));
  t.equal(env.get('EXIT_ON_ZERO_ACTIVE_CONNECTIONS'), 'true', 'the drain ends once no connection is left: SIGTERM comes after the app is gone');
  t.equal(env.get('MINIMUM_DRAIN_DURATION'), '1s');
  t.match(podTemplate(await nativeHello()).metadata.annotations['sidecar.istio.io/status'], /"initContainers":\["istio-init","istio-proxy"\],"containers":null,/);
});

t.test('everything else is the classic injection: args, env, volumes, security context, probe rewriting', async (t) => {
  const [n, c] = [podTemplate(await nativeHello()).spec, podTemplate(await classicHello()).spec];
  const classicProxy = byName(c.containers, 'istio-proxy')!;
  t.same(withoutNativeParts(byName(n.initContainers, 'istio-proxy')!), withoutNativeParts(classicProxy));
  t.ok(classicProxy.lifecycle?.postStart, 'the classic one got the hold hook from the same input');
  t.same(n.volumes, c.volumes);
  t.same(byName(n.initContainers, 'istio-init'), byName(c.initContainers, 'istio-init'));
  t.same(n.containers[0], byName(c.containers, 'hello'), 'the app container, its rewritten probe included, is the same');
  t.equal(n.containers[0].readinessProbe.httpGet.path, '/app-health/hello/readyz');
  t.equal(n.terminationGracePeriodSeconds, c.terminationGracePeriodSeconds);
});

t.test('the annotation wins over the run\'s default, both ways', async (t) => {
  t.same(podTemplate(await optedOut()).spec.containers.map((c: Obj) => c.name), ['istio-proxy', 'hello'], '"false" under --nativeSidecar: classic (held first by holdApplicationUntilProxyStarts)');
  t.same(podTemplate(await optedIn()).spec.initContainers.map((c: Obj) => c.name), ['istio-init', 'istio-proxy'], '"true" without the flag: native');
});

t.test('ENABLE_NATIVE_SIDECARS=true in kube-inject\'s environment turns it on, as in istiod', async (t) => {
  const file = `${t.testdir({})}/pod.yaml`;
  writeFileSync(file, pod);
  const out = await runAgent(['kube-inject', '-f', file], { ENABLE_NATIVE_SIDECARS: 'true' });
  t.equal(out.code, 0, out.stderr);
  t.same(readDocs(out.stdout)[0]!.spec.initContainers.map((c: Obj) => c.name), ['istio-init', 'istio-proxy']);
});

t.test('a pod\'s own init containers keep running first; Jobs, CronJobs and Pods get the same layout', async (t) => {
  t.same(podTemplate(await nativeJob()).spec.initContainers.map((c: Obj) => c.name), ['fetch', 'istio-init', 'istio-proxy']);
  t.same(podTemplate(await nativeCron()).spec.initContainers.map((c: Obj) => c.name), ['istio-init', 'istio-proxy']);
  t.same(podTemplate(await nativePod()).spec.initContainers.map((c: Obj) => c.name), ['istio-init', 'istio-proxy']);
  t.same(podTemplate(await nativeJob()).spec.containers[0].command, ['perl', '-e', 'print 1'], "a Job's command is left alone: the native sidecar ends after it");
});

t.test('the output validates against the Kubernetes schemas of kubernetes-models (1.33, which has the field)', async (t) => {
  const [d, j, c, p] = [await nativeHello(), await nativeJob(), await nativeCron(), await nativePod()];
  t.doesNotThrow(() => new Deployment(d as never).validate(), 'Deployment');
  t.doesNotThrow(() => new Job(j as never).validate(), 'Job');
  t.doesNotThrow(() => new CronJob(c as never).validate(), 'CronJob');
  t.doesNotThrow(() => new Pod(p as never).validate(), 'Pod');
});

t.test('injecting twice changes nothing; a pod injected either way is left alone', async (t) => {
  const once = await inject(['-f', '-', '--nativeSidecar'], probedHello({}));
  const again = await inject(['-f', '-', '--nativeSidecar'], once.stdout);
  t.equal(again.stdout, once.stdout, 'native over native: byte for byte');
  t.match(again.stderr, /"hello" has injected "istio-proxy" sidecar already/);
  const classicOver = await inject(['-f', '-'], once.stdout);
  t.equal(classicOver.stdout, once.stdout, 'a classic run leaves a native sidecar alone');
  const classicOnce = await inject(['-f', '-'], probedHello({}));
  const nativeOver = await inject(['-f', '-', '--nativeSidecar'], classicOnce.stdout);
  t.equal(nativeOver.stdout, classicOnce.stdout, 'a native run leaves a classic sidecar alone');
});

t.test('with another status port the preStop hook names it, so `request` accepts it', async (t) => {
  const proxy = podTemplate(await otherStatusPort()).spec.initContainers.find((c: Obj) => c.name === 'istio-proxy');
  t.same(proxy.lifecycle.preStop.exec.command, ['pilot-agent', 'request', '--debug-port=15099', '--statusPort=15099', 'POST', 'drain']);
});

t.test('a bad annotation value is exit 2 with one line', async (t) => {
  const out = await inject(['-f', '-'], helloDeployment({ 'sidecar.istio.io/nativeSidecar': 'yes' }));
  t.equal(out.code, 2);
  t.same(out.stderr.split('\n').filter(Boolean), [`error: <stdin>:13: invalid value 'yes' for annotation 'sidecar.istio.io/nativeSidecar': expected "true" or "false"`]);
});
