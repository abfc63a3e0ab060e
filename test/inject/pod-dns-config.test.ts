// global.podDNSSearchNamespaces becomes the pod's dnsConfig.searches, each entry rendered for its workload
// (Istio 1.5.0 golden case 43, hello-template-in-values.yaml.injected, and the multicluster `<ns>.global` use).
import t from 'tap';
import { expectedHello, helloInput, normalise, valuesFile } from '../fixtures/inject/golden.js';
import { goldenArgs, helloDeployment, inject, injectText, podTemplate, type Obj } from '../fixtures/inject/harness.js';

const multicluster = { global: { podDNSSearchNamespaces: ['global', '{{ valueOrDefault .DeploymentMeta.Namespace "default" }}.global'] } };

const userDnsConfig = '      dnsConfig:\n        nameservers: [10.0.0.10]\n        searches: [corp.example]\n';
const inProd = helloDeployment({}, userDnsConfig).replace('  name: hello\n', '  name: hello\n  namespace: prod\n');
const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\nspec:\n  containers:\n  - name: app\n    image: app\n';

t.test('43 the search list from values, rendered per workload (golden hello-template-in-values)', async (t) => {
  const values = valuesFile(t.testdir(), multicluster);
  const { docs } = await injectText([helloInput(), inProd, pod].join('---\n'), ['--valuesFile', values, '--meshConfigFile', goldenArgs[3]!]);
  const want = expectedHello();
  want.spec.template.spec.dnsConfig = { searches: ['global', 'default.global'] };
  t.same(normalise(docs[0]), want, 'no namespace: valueOrDefault gives "default"');
  t.same(podTemplate(docs[1]!).spec.dnsConfig, { searches: ['global', 'prod.global'] },
    'the workload\'s namespace; the pod\'s own dnsConfig is replaced, as Istio 1.5 replaces it');
  t.same(podTemplate(docs[2]!).spec.dnsConfig, { searches: ['global', 'default.global'] }, 'a bare Pod too');
});

t.test('without the value a pod\'s own dnsConfig is left alone', async (t) => {
  const { docs } = await injectText([inProd, helloInput()].join('---\n'));
  t.same(podTemplate(docs[0]!).spec.dnsConfig, { nameservers: ['10.0.0.10'], searches: ['corp.example'] });
  t.notOk(podTemplate(docs[1]!).spec.dnsConfig, 'and none is added');
});

t.test('an entry this injector cannot render is refused with its values-file line', async (t) => {
  const dir = t.testdir({ 'values.yaml': 'global:\n  podDNSSearchNamespaces:\n  - global\n  - "{{ .Values.global.meshID }}.global"\n' });
  const out = await inject(['-f', '-', '--valuesFile', `${dir}/values.yaml`], helloInput());
  t.equal(out.code, 2);
  t.match(out.stderr, /^error: .*values\.yaml:4: global\.podDNSSearchNamespaces\[1\]: cannot render \{\{ \.Values\.global\.meshID \}\}/);
  t.equal(out.stdout, '');
});

t.test('the rendered entries are plain strings in the YAML written', async (t) => {
  const values = valuesFile(t.testdir(), { global: { podDNSSearchNamespaces: ['{{- .DeploymentMeta.Name -}}.svc', '1234'] } });
  const { docs, out } = await injectText(helloInput(), ['--valuesFile', values]);
  t.same((podTemplate(docs[0]!).spec as Obj).dnsConfig, { searches: ['hello.svc', '1234'] });
  t.match(out.stdout, /- "1234"/, 'a number-like entry is quoted, so it stays a string');
});
