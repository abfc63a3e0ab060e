// What is left alone: hostNetwork pods, pods that opt out, pods already injected; injecting twice changes
// nothing; the user's comments and formatting survive.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { fixtures, helloDeployment, inject, podTemplate, readDocs } from '../fixtures/inject/harness.js';

const hostNetwork = helloDeployment({}, '      hostNetwork: true\n');
const optedOut = helloDeployment({ 'sidecar.istio.io/inject': 'false' });

t.test('hostNetwork pods are not injected and are written back unchanged', async (t) => {
  const out = await inject(['-f', '-'], hostNetwork);
  t.equal(out.code, 0);
  t.equal(out.stdout, `${hostNetwork}---\n`);
  t.equal(out.stderr, 'Skipping injection because "hello" has host networking enabled\n');
});

t.test('sidecar.istio.io/inject "false" skips the pod, as the admission webhook does', async (t) => {
  for (const value of ['false', 'no', 'off', 'False']) {
    const yaml = helloDeployment({ 'sidecar.istio.io/inject': value });
    const out = await inject(['-f', '-'], yaml);
    t.equal(out.stdout, `${yaml}---\n`, value);
    t.match(out.stderr, /has sidecar injection disabled/);
  }
  const yes = await inject(['-f', '-'], helloDeployment({ 'sidecar.istio.io/inject': 'true' }));
  t.equal(podTemplate(readDocs(yes.stdout)[0]!).spec.containers.length, 2, '"true" injects');
  t.equal(yes.stderr, '');
});

t.test('injecting twice changes nothing, byte for byte', async (t) => {
  const input = `${readFileSync(`${fixtures}productpage.yaml`, 'utf8')}---\n${optedOut}---\n${hostNetwork}`;
  const once = await inject(['-f', '-'], input);
  t.equal(once.code, 0);
  const twice = await inject(['-f', '-'], once.stdout);
  t.equal(twice.code, 0);
  t.equal(twice.stdout, once.stdout);
  t.match(twice.stderr, /"productpage-v1" has injected "istio-proxy" sidecar already/);
});

t.test('the golden hello.yaml.injected fed back in yields itself (golden case 02)', async (t) => {
  const golden = readFileSync(`${fixtures}hello.yaml.injected`, 'utf8');
  const out = await inject(['-f', `${fixtures}hello.yaml.injected`]);
  t.equal(out.stdout, golden);
});

t.test('comments, key order and quoting of the user\'s document survive injection', async (t) => {
  const yaml = `# deploy hello
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello # the name
spec:
  template:
    metadata:
      labels: {app: hello}
    spec:
      containers:
      # the app
      - name: hello
        image: "hello:1.0"
        args: ['--port', "8080"]
`;
  const out = await inject(['-f', '-'], yaml);
  for (const kept of ['# deploy hello', '  name: hello # the name', '      # the app', '        image: "hello:1.0"', `        args: [ '--port', "8080" ]`]) {
    t.ok(out.stdout.includes(kept), `keeps ${kept.trim()}`);
  }
  t.ok(out.stdout.indexOf('apiVersion') < out.stdout.indexOf('kind:'), 'key order kept');
});

t.test('documents are split as Kubernetes splits them: empty documents vanish, CRLF becomes LF', async (t) => {
  const out = await inject(['-f', '-'], '---\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: a\r\n---\r\n---\r\n# just a comment\r\n---\r\n');
  t.equal(out.stdout, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n# just a comment\n---\n');
});
