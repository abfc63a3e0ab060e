import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected, hangTimeout, proxyArgs, spyEnvoy } from '../helpers/rejected.js';

// A template must render to something the agent can run: a JSON object with a node and the admin
// address the agent talks to. Anything else is exit 2 and one line naming the template.

const admin = { address: { socket_address: { address: '{{localhost}}', port_value: '{{admin_port}}' } } };
const cases: { name: string; text: string; expect: RegExp }[] = [
  { name: 'null', text: 'null', expect: /rendered from .*t\.json is null, not a JSON object/ },
  { name: 'an object without node or admin', text: '{"foo":1}', expect: /rendered from .*t\.json has no "node" object/ },
  { name: 'an array', text: '[]', expect: /rendered from .*t\.json is an array, not a JSON object/ },
  { name: 'a string', text: '"x"', expect: /rendered from .*t\.json is a string, not a JSON object/ },
  { name: 'a node but no admin', text: JSON.stringify({ node: { id: '{{node_id}}' } }), expect: /has no admin\.address\.socket_address/ },
  { name: 'an admin port other than --proxyAdminPort', text: JSON.stringify({ node: {}, admin: { address: { socket_address: { address: '127.0.0.1', port_value: 9901 } } } }), expect: /has admin port_value 9901, expected 15000 \(--proxyAdminPort/ },
  { name: 'nesting 200,000 levels deep', text: `${'['.repeat(200_000)}${']'.repeat(200_000)}`, expect: /^error: template .*t\.json is nested more than 100 levels deep/ },
  { name: 'text that is not JSON and spans lines', text: '{"a":\n x}', expect: /^error: template .*t\.json is not JSON \(.*\\n x.*\)/ },
  { name: 'an unterminated placeholder', text: JSON.stringify({ node: { id: '{{node_id' }, admin }), expect: /^error: template .*t\.json at node\.id: unterminated or malformed placeholder "\{\{node_id"/ },
  { name: 'a malformed placeholder', text: JSON.stringify({ node: { id: 'x-{{ node id }}' }, admin }), expect: /at node\.id: unterminated or malformed placeholder "\{\{ node id \}\}"/ },
];

for (const c of cases) {
  t.test(`bootstrap rejects a template that is ${c.name}`, async (t) => {
    const dir = t.testdir();
    writeFileSync(join(dir, 't.json'), c.text);
    const r = await runAgent(['bootstrap', '--templateFile', join(dir, 't.json')], seedPodEnv, hangTimeout);
    assertRejected(t, r, c.expect);
  });
}

t.test('proxy with a template that renders to {"foo":1} exits 2 and never starts envoy', async (t) => {
  const dir = t.testdir({ 't.json': '{"foo":1}' });
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent([...args, '--templateFile', join(dir, 't.json')], { ...seedPodEnv, ...env }, hangTimeout);
  assertRejected(t, r, /rendered from .*t\.json has no "node" object/);
  t.notOk(envoy.started(), 'envoy never started');
});

t.test('proxy with a template nested 200,000 levels deep exits 2 and never starts envoy', async (t) => {
  const dir = t.testdir({ 't.json': `{"node":${'['.repeat(200_000)}${']'.repeat(200_000)}}` });
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent([...args, '--templateFile', join(dir, 't.json')], { ...seedPodEnv, ...env }, hangTimeout);
  assertRejected(t, r, /is nested more than 100 levels deep/);
  t.notOk(envoy.started(), 'envoy never started');
});

t.test('ISTIO_METAJSON nested 50,000 levels deep is refused', async (t) => {
  // 50,000 levels: deep enough to overflow the stack, short enough for one environment string (128 KiB).
  const deep = `{"a":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
  const r = await runAgent(['bootstrap'], { ...seedPodEnv, ISTIO_METAJSON_DEEP: deep }, hangTimeout);
  assertRejected(t, r, /for ISTIO_METAJSON_DEEP: nested more than 100 levels deep/);
});
