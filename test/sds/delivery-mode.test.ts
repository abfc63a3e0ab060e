// What each delivery mode starts, seen from outside with the stub envoy (which never dials SDS): restart mode binds
// no socket, sds mode binds <configPath>/SDS (0600) before envoy starts but loads no gRPC until envoy connects, and
// a --configPath too long for a unix socket address is refused at start.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected, hangTimeout, proxyArgs, spyEnvoy } from '../helpers/rejected.js';
import { startAgent } from '../helpers/running-agent.js';

t.test('sds delivery (NONE) binds the socket before envoy starts and loads gRPC only on a connection', async (t) => {
  const agent = await startAgent(t, { args: ['--certDelivery', 'sds'] });
  await agent.waitForMsg('envoy is LIVE');
  const listening = agent.logs.findIndex((l) => l.msg === 'SDS server listening');
  t.ok(listening >= 0 && listening < agent.logs.findIndex((l) => l.msg === 'envoy started'), 'listening before envoy starts');
  t.equal(statSync(`${agent.configPath}/SDS`).mode & 0o777, 0o600);
  t.notOk(agent.logs.some((l) => l.msg === 'SDS service loaded'), 'no gRPC: nothing connected');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.notOk(existsSync(`${agent.configPath}/SDS`), 'the socket is removed at exit');
});

t.test('restart delivery binds no SDS socket', async (t) => {
  const agent = await startAgent(t, { args: ['--certDelivery', 'restart'] });
  await agent.waitForMsg('envoy is LIVE');
  t.notOk(agent.logs.some((l) => l.msg === 'SDS server listening'));
  t.notOk(existsSync(`${agent.configPath}/SDS`));
});

t.test('a --configPath too long for the SDS socket is exit 2 before envoy starts', async (t) => {
  const dir = t.testdir();
  const envoy = spyEnvoy(dir);
  const { args, env } = await proxyArgs(dir, envoy);
  const r = await runAgent([...args, '--certDelivery', 'sds', '--configPath', join(dir, 'x'.repeat(110))], { ...seedPodEnv, ...env }, hangTimeout);
  assertRejected(t, r, /for --configPath: expected a path of at most 103 bytes: the SDS socket .*\/SDS must fit a unix socket address \(or use --certDelivery restart\)/);
  t.notOk(envoy.started(), 'envoy never started');
});
