// Every workload kind istioctl injects, other documents passed through byte for byte, order kept,
// and every injected object valid against Kubernetes' schemas.
import t from 'tap';
import { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Pod, ReplicationController, Service } from 'kubernetes-models/v1';
import { env, injectText, podTemplate, type Obj } from '../fixtures/inject/harness.js';

const podSpec = `    metadata:
      labels:
        app: hello
    spec:
      containers:
      - name: hello
        image: hello:1.0
        ports:
        - containerPort: 80`;
const indent = (text: string, n: number): string => text.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
const selector = `  selector:\n    matchLabels:\n      app: hello\n`;

const service = `# the Service stays exactly as written
apiVersion: v1
kind: Service
metadata:
  name: hello   # trailing comment
spec:
  ports: [{port: 80, name: "http"}]
  selector: {app: hello}
`;

const input = [
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n${selector}  template:\n${podSpec}\n`,
  service,
  `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  serviceName: hello\n${selector}  template:\n${podSpec}\n`,
  `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ds\nspec:\n${selector}  template:\n${podSpec}\n`,
  `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: rs\nspec:\n${selector}  template:\n${podSpec}\n`,
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n${podSpec.replace('      labels:\n        app: hello\n', '      labels: {}\n')}\n      restartPolicy: Never\n`,
  `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: hellocron\nspec:\n  schedule: '*/1 * * * *'\n  jobTemplate:\n    spec:\n      template:\n${indent(podSpec.replace('      labels:\n        app: hello\n', ''), 4)}\n          restartPolicy: OnFailure\n`,
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: hellopod\nspec:\n  containers:\n  - name: hello\n    image: hello:1.0\n`,
  `apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: rc\nspec:\n  selector:\n    app: hello\n  template:\n${podSpec}\n`,
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  key: "value"\n`,
].join('---\n');

const models: Record<string, { new (o: never): { validate(): void } }> = {
  Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, ReplicationController, Service,
};

t.test('every workload kind gets the sidecar; other documents pass through in order', async (t) => {
  const { docs, out } = await injectText(input, []);
  t.same(docs.map((d) => d.kind), ['Deployment', 'Service', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController', 'ConfigMap']);
  for (const doc of docs.filter((d) => !['Service', 'ConfigMap'].includes(d.kind))) {
    const tpl = podTemplate(doc);
    t.same(tpl.spec.containers.map((c: Obj) => c.name), ['hello', 'istio-proxy'], doc.kind);
    t.same(tpl.spec.initContainers.map((c: Obj) => c.name), ['istio-init'], doc.kind);
    t.equal(tpl.metadata.labels['security.istio.io/tlsMode'], 'istio', `${doc.kind} pod template carries the tlsMode label`);
    t.match(tpl.metadata.annotations['sidecar.istio.io/status'], /^\{"version":"[0-9a-f]{64}"/, doc.kind);
  }
  t.ok(out.stdout.includes(`---\n${service}---\n`), 'the Service is written back byte for byte, comments included');
  t.ok(out.stdout.endsWith('  key: "value"\n---\n'), 'every document is followed by ---, the last too');
  t.notOk(out.stdout.startsWith('---'), 'no leading separator');
});

t.test('names and owners per kind', async (t) => {
  const { docs } = await injectText(input, []);
  const byKind = Object.fromEntries(docs.map((d) => [d.kind, d]));
  const args = (d: Obj): string[] => podTemplate(d).spec.containers.find((c: Obj) => c.name === 'istio-proxy').args;
  const cluster = (d: Obj): string => args(d)[args(d).indexOf('--serviceCluster') + 1]!;
  t.equal(cluster(byKind.Deployment!), 'hello.$(POD_NAMESPACE)', 'app label wins');
  t.equal(cluster(byKind.Job!), 'pi.default', 'no app label: <name>.<namespace>');
  t.equal(cluster(byKind.Pod!), 'hellopod.default');
  t.equal(env(byKind.Pod!, 'ISTIO_META_OWNER'), 'kubernetes://apis/v1/namespaces/default/pods/hellopod');
  t.equal(env(byKind.CronJob!, 'ISTIO_META_OWNER'), 'kubernetes://apis/batch/v1/namespaces/default/cronjobs/hellocron');
  t.equal(env(byKind.StatefulSet!, 'ISTIO_META_WORKLOAD_NAME'), 's');
  t.notOk(byKind.CronJob!.spec.jobTemplate.metadata, 'CronJob: annotations go on the pod template, not the jobTemplate');
});

t.test('injected objects validate against Kubernetes schemas', async (t) => {
  const { docs } = await injectText(input, []);
  for (const doc of docs.filter((d) => d.kind in models)) {
    t.doesNotThrow(() => new models[doc.kind]!(doc as never).validate(), doc.kind);
  }
});

t.test('a List is injected item by item', async (t) => {
  const list = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: d\n  spec:\n${indent(selector, 2)}\n    template:\n${indent(podSpec, 2)}\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: svc\n`;
  const { docs } = await injectText(list, []);
  t.same(docs[0]!.items[0].spec.template.spec.containers.map((c: Obj) => c.name), ['hello', 'istio-proxy']);
  t.same(docs[0]!.items[1], { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' } });
});

t.test('kinds are matched by name whatever the API version', async (t) => {
  const old = `apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: old\nspec:\n  template:\n${podSpec}\n`;
  const { docs } = await injectText(old, []);
  t.equal(podTemplate(docs[0]!).spec.containers.length, 2);
  t.equal(env(docs[0]!, 'ISTIO_META_OWNER'), 'kubernetes://apis/extensions/v1beta1/namespaces/default/deployments/old');
});
