// examples/kubernetes/job-native-sidecar.yaml: a Job whose pod completes, istio-proxy as a native sidecar.
// It is kube-inject's own output (re-derived here from the example with the injection taken out), valid
// against Kubernetes' schemas, and every pilot-agent command line in it parses with the agent's flags.
import { readFileSync } from 'node:fs';
import { Job } from 'kubernetes-models/batch/v1';
import t from 'tap';
import { parseAllDocuments, stringify } from 'yaml';
import { proxyFlags } from '../../src/config/proxy-flags.js';
import { parseArgs } from '../../src/flags/parse-args.js';
import { requestFlags } from '../../src/wait/flags.js';
import { repoRoot } from '../helpers/agent.js';
import { injectText, type Obj } from '../fixtures/inject/harness.js';

const text = readFileSync(`${repoRoot}examples/kubernetes/job-native-sidecar.yaml`, 'utf8');
const docs = parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);
const version = (JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { version: string }).version;
const job = docs.find((d) => d.kind === 'Job')!;
const pod = job.spec.template;
const proxy = pod.spec.initContainers.find((c: Obj) => c.name === 'istio-proxy');

/** The Job as its author wrote it: everything kube-inject adds taken out again. */
function uninjected(injected: Obj): Obj {
  const copy = structuredClone(injected);
  const tpl = copy.spec.template;
  const status = JSON.parse(tpl.metadata.annotations['sidecar.istio.io/status']) as { initContainers: string[]; volumes: string[] };
  for (const key of Object.keys(tpl.metadata.annotations)) {
    if (key === 'sidecar.istio.io/status' || key.startsWith('traffic.sidecar.istio.io/') || key === 'sidecar.istio.io/interceptionMode') delete tpl.metadata.annotations[key];
  }
  if (Object.keys(tpl.metadata.annotations).length === 0) delete tpl.metadata.annotations;
  delete tpl.metadata.labels['security.istio.io/tlsMode'];
  tpl.spec.initContainers = tpl.spec.initContainers.filter((c: Obj) => !status.initContainers.includes(c.name));
  if (tpl.spec.initContainers.length === 0) delete tpl.spec.initContainers;
  tpl.spec.volumes = tpl.spec.volumes.filter((v: Obj) => !status.volumes.includes(v.name));
  if (tpl.spec.volumes.length === 0) delete tpl.spec.volumes;
  delete tpl.spec.terminationGracePeriodSeconds;
  return copy;
}

t.test('the example is exactly what kube-inject --nativeSidecar makes of the Job', async (t) => {
  const { docs: again } = await injectText(stringify(uninjected(job)), ['--nativeSidecar', '--image', `pilot-agent-ts:${version}`]);
  t.same(again[0], job);
});

t.test('valid against the Kubernetes schemas', async (t) => {
  t.same(docs.map((d) => d.kind), ['Job']);
  t.doesNotThrow(() => new Job(job as never).validate());
});

t.test('istio-proxy is a native sidecar after istio-init, and the Job\'s own container is untouched', async (t) => {
  t.same(pod.spec.initContainers.map((c: Obj) => c.name), ['istio-init', 'istio-proxy']);
  t.same(pod.spec.containers.map((c: Obj) => c.name), ['smoke'], 'no sidecar among the containers: nothing keeps the pod running');
  t.equal(pod.spec.restartPolicy, 'Never');
  t.equal(proxy.restartPolicy, 'Always');
  t.equal(proxy.image, `pilot-agent-ts:${version}`, "this repository's image, tagged with package.json's version");
  t.same([proxy.startupProbe.httpGet.path, proxy.startupProbe.httpGet.port], ['/healthz/ready', 15021], 'the app starts once the proxy is ready');
  const parsed = parseArgs(proxy.args.slice(1), proxyFlags);
  t.same(parsed.positionals, ['sidecar'], "the args parse with the agent's own flag table");
  const preStop = proxy.lifecycle.preStop.exec.command as string[];
  t.same(preStop.slice(0, 2), ['pilot-agent', 'request']);
  t.same(parseArgs(preStop.slice(2), requestFlags).positionals, ['POST', 'drain'], 'the preStop hook parses with `request`\'s flags');
  const env = new Map((proxy.env as Obj[]).map((e) => [e.name, e.value]));
  t.equal(env.get('EXIT_ON_ZERO_ACTIVE_CONNECTIONS'), 'true');
  t.notOk(proxy.lifecycle.postStart, 'no postStart hook');
});
