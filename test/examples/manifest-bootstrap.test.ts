// The example pod's istio-proxy container, run the way kubelet would run it (downward-API values
// filled in, $(VAR) expanded) through `pilot-agent bootstrap`: the agent accepts it end to end.
// And a broken manifest is caught by the schema validator the other test relies on.
import { readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { kubeletExpand, repoRoot, runAgent } from '../helpers/agent.js';

const text = readFileSync(`${repoRoot}examples/kubernetes/productpage.yaml`, 'utf8');
const deployment = parseAllDocuments(text).map((d) => d.toJS() as { kind: string }).find((d) => d.kind === 'Deployment')!;

/** What the downward API gives a pod named productpage-v1-abc in namespace bookinfo. */
const fieldValues: Record<string, string> = {
  'metadata.name': 'productpage-v1-abc',
  'metadata.namespace': 'bookinfo',
  'status.podIP': '10.1.2.3',
  'status.hostIP': '10.0.0.7',
  'spec.serviceAccountName': 'bookinfo-productpage',
};

t.test("the example istio-proxy container's args and env make a bootstrap", async (t) => {
  const spec = new Deployment(deployment as never).spec!.template.spec!;
  const proxy = spec.containers.find((c) => c.name === 'istio-proxy')!;
  // kubelet resolves env in order; a value may refer to the variables defined before it.
  const env: Record<string, string> = {};
  for (const e of proxy.env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath;
    env[e.name] = field !== undefined ? fieldValues[field]! : kubeletExpand([e.value ?? ''], env)[0]!;
  }
  const args = kubeletExpand(proxy.args!, env);
  t.same(args.slice(0, 2), ['proxy', 'sidecar']);
  const res = await runAgent(['bootstrap', ...args.slice(1)], env);
  t.equal(res.code, 0, res.stderr);
  const node = (JSON.parse(res.stdout) as { node: { id: string; cluster: string; metadata: Record<string, unknown> } }).node;
  t.equal(node.id, 'sidecar~10.1.2.3~productpage-v1-abc.bookinfo~bookinfo.svc.cluster.local');
  t.equal(node.cluster, 'productpage.bookinfo');
  t.match(node.metadata, {
    WORKLOAD_NAME: 'productpage-v1',
    OWNER: 'kubernetes://apis/apps/v1/namespaces/bookinfo/deployments/productpage-v1',
    LABELS: { app: 'productpage', version: 'v1' },
  });
});

t.test('the schema validator does catch a broken manifest', async (t) => {
  const broken = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
  broken.spec.template.spec.containers[0]!.lifecycle = { postStart: { exec: { command: 'pilot-agent wait' } } };
  t.throws(() => new Deployment(broken as never).validate(), /command must be array/);
});
