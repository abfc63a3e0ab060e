// The agent's --customConfigFile pre-start check (`<binaryPath> --mode validate`) with real Envoy as the
// binary: a file real Envoy rejects stops the agent at once with exit 2 and one line naming the flag,
// instead of crash-looping through the restart budget; a file it accepts starts and goes LIVE.
import { writeFileSync } from 'node:fs';
import t from 'tap';
import { runAgent } from '../helpers/agent.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { startAgent } from '../helpers/running-agent.js';

const envoy = realEnvoyBinary();

const customConfig = (adminPort: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    node: { id: 'custom', cluster: 'custom' },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: adminPort } } },
    ...extra,
  });

t.test('a custom config real envoy rejects: exit 2 with one line naming --customConfigFile, before envoy starts', async (t) => {
  const dir = t.testdir({ 'envoy.json': customConfig(15000, { static_resources: { clusters: [{ name: 'a', type: 'STATICK' }] } }) });
  const r = await runAgent(
    // Restart delivery: tap's test dir is too long for an SDS socket path.
    ['proxy', 'sidecar', '--binaryPath', envoy, '--customConfigFile', `${dir}/envoy.json`, '--configPath', `${dir}/proxy`, '--certDelivery', 'restart'],
    { POD_NAME: 'app-0', POD_NAMESPACE: 'test', INSTANCE_IP: '127.0.0.1' },
  );
  t.equal(r.code, 2, 'usage error');
  t.equal(r.stdout, '', 'nothing logged: the agent stopped before its first log line');
  const lines = r.stderr.trimEnd().split('\n');
  t.equal(lines.length, 1, `one line: ${r.stderr}`);
  t.match(lines[0], /--customConfigFile/, 'names the flag');
  t.match(lines[0], /envoy\.json/, 'names the file');
  t.match(lines[0], /STATICK/, 'carries envoy\'s reason');
});

t.test('a custom config real envoy accepts: envoy starts from it and goes LIVE, then a clean exit', async (t) => {
  let file = '';
  const agent = await startAgent(t, {
    args: ({ dir, ports }) => {
      file = `${dir}/custom.json`;
      writeFileSync(file, customConfig(ports.admin));
      return ['--binaryPath', envoy, '--customConfigFile', file];
    },
  });
  await agent.waitForMsg('envoy is LIVE');
  const started = agent.logs.find((l) => l.msg === 'envoy started')!;
  t.same((started.args as string[]).slice(0, 2), ['-c', file], 'envoy runs the custom file itself');
  agent.signal('SIGTERM');
  t.same(await agent.exited, { code: 0, signal: null }, 'exit 0');
});
