// The command line: -f file or stdin, -o file, help; bad input exits 2 with one line naming file, line, reason.
import t, { type Test } from 'tap';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures, helloDeployment, inject, readDocs } from '../fixtures/inject/harness.js';

/** Exit 2 and exactly one stderr line, no stack trace. */
function badInput(t: Test, out: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  t.equal(out.code, 2, out.stderr);
  t.equal(out.stdout, '', 'nothing on stdout');
  t.equal(out.stderr.split('\n').filter(Boolean).length, 1, 'one line');
  t.notMatch(out.stderr, /\n\s+at /, 'no stack trace');
  t.match(out.stderr, pattern);
}

t.test('-o writes the result to a file, stdout stays empty; the long forms work too', async (t) => {
  const dir = t.testdir();
  const target = join(dir, 'out.yaml');
  const out = await inject(['-f', `${fixtures}productpage.yaml`, '-o', target]);
  t.equal(out.code, 0, out.stderr);
  t.equal(out.stdout, '');
  const viaStdout = await inject([`--filename=${fixtures}productpage.yaml`]);
  t.equal(readFileSync(target, 'utf8'), viaStdout.stdout);
  const shortJoined = await inject([`-f${fixtures}productpage.yaml`, `-o=${join(dir, 'b.yaml')}`]);
  t.equal(shortJoined.code, 0);
  t.same(readdirSync(dir).sort(), ['b.yaml', 'out.yaml']);
});

t.test('-f - reads stdin', async (t) => {
  const out = await inject(['-f', '-'], readFileSync(`${fixtures}productpage.yaml`, 'utf8'));
  t.equal(out.code, 0);
  t.equal(readDocs(out.stdout)[0]!.spec.template.spec.containers.length, 2);
});

t.test('--help lists the flags', async (t) => {
  const out = await inject(['--help']);
  t.equal(out.code, 0);
  for (const flag of ['--filename', '--output', '--image', '--meshConfigFile', '--valuesFile']) t.match(out.stdout, flag);
});

t.test('invalid YAML: file, line and reason', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ok\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [unclosed\n' });
  badInput(t, await inject(['-f', join(dir, 'bad.yaml')]), /^error: .*bad\.yaml:9: invalid YAML: /);
  badInput(t, await inject(['-f', '-'], 'a: b\n  c: d\n'), /^error: <stdin>:1: invalid YAML: Nested mappings/);
});

t.test('a document that is not an object', async (t) => {
  badInput(t, await inject(['-f', '-'], 'apiVersion: v1\nkind: Service\n---\n- a list\n'), /^error: <stdin>:4: expected a Kubernetes object/);
});

t.test('unknown flags, missing -f, stray arguments, missing files', async (t) => {
  badInput(t, await inject(['-f', '-', '--valueFile', 'x']), /^error: unknown flag --valueFile \(did you mean --valuesFile\?\)$/m);
  badInput(t, await inject([]), /filename not specified \(see --filename or -f\)/);
  badInput(t, await inject(['-f', '-', 'extra']), /unexpected argument "extra"/);
  badInput(t, await inject(['-f', 'missing.yaml']), /^error: missing\.yaml: no such file$/m);
});

t.test('invalid traffic annotations abort with the annotation\'s line (TestInvalidAnnotations)', async (t) => {
  const cases: [string, string, string][] = [
    ['traffic.sidecar.istio.io/includeOutboundIPRanges', '127.0.0.1', 'includeipranges'],
    ['traffic.sidecar.istio.io/excludeOutboundIPRanges', '*', 'excludeipranges'],
    ['traffic.sidecar.istio.io/includeInboundPorts', '7,8,a', 'includeinboundports'],
    ['traffic.sidecar.istio.io/excludeInboundPorts', '70000', 'excludeinboundports'],
    ['traffic.sidecar.istio.io/excludeOutboundPorts', 'x', 'excludeoutboundports'],
    ['sidecar.istio.io/interceptionMode', 'MAGIC', 'interceptionmode'],
  ];
  for (const [key, value, word] of cases) {
    const out = await inject(['-f', '-'], helloDeployment({ [key]: value }));
    badInput(t, out, /^error: <stdin>:13: invalid value '/);
    t.ok(out.stderr.toLowerCase().includes(word), word);
  }
});

t.test('misspelled istio annotations are reported but do not stop injection', async (t) => {
  const out = await inject(['-f', '-'], helloDeployment({ 'sidecar.istio.io/injekt': 'false' }));
  t.equal(out.code, 0);
  t.equal(out.stderr, "Potentially misspelled annotation 'sidecar.istio.io/injekt' with value 'false' encountered\n");
});

t.test('values and mesh files: wrong types name the file and line', async (t) => {
  const dir = t.testdir({
    'values.yaml': 'global:\n  proxy:\n    statusPort: lots\n',
    'mesh.yaml': 'defaultConfig:\n  connectTimeout: soon\n',
    'broken.yaml': 'global: [\n',
  });
  badInput(t, await inject(['-f', '-', '--valuesFile', join(dir, 'values.yaml')], 'kind: Service\n'), /values\.yaml:3: global\.proxy\.statusPort: expected a whole number/);
  badInput(t, await inject(['-f', '-', '--meshConfigFile', join(dir, 'mesh.yaml')], 'kind: Service\n'), /mesh\.yaml:2: defaultConfig\.connectTimeout: expected a duration/);
  badInput(t, await inject(['-f', '-', '--valuesFile', join(dir, 'broken.yaml')], ''), /broken\.yaml:\d+: invalid YAML/);
});

t.test('nothing is left behind in the working directory', async (t) => {
  const dir = t.testdir();
  writeFileSync(join(dir, 'in.yaml'), helloDeployment());
  await inject(['-f', join(dir, 'in.yaml'), '-o', join(dir, 'out.yaml')]);
  t.same(readdirSync(dir).sort(), ['in.yaml', 'out.yaml']);
  t.notOk(existsSync(join(dir, 'out.yaml.tmp')));
});
