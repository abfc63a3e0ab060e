// `pilot-agent wait` (the postStart hook) against an agent supervising real Envoy: it keeps polling while xDS
// withholds config and succeeds at the moment readiness turns 200, not before.
import { spawn } from 'node:child_process';
import t from 'tap';
import { seedSnapshot, startXdsServer } from '../../tools/xds-server/src/index.js';
import { agentBin } from '../helpers/agent.js';
import { startApp } from '../helpers/direct-envoy.js';
import { freePort, waitFor } from '../helpers/net.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { startAgent } from '../helpers/running-agent.js';

t.test('wait keeps polling while xDS withholds config and exits 0 once readiness is 200', async (t) => {
  const appPort = await startApp(t);
  const [inboundPort, outboundPort] = [await freePort(), await freePort()];
  const xds = await startXdsServer(); // no snapshot: envoy stays un-initialized
  t.teardown(() => xds.close());
  const agent = await startAgent(t, { args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`] });
  await xds.waitFor('envoy to open its ADS stream', (x) => x.streams().some((s) => s.nodeId !== ''), 30_000);

  const url = `http://127.0.0.1:${agent.ports.status}/healthz/ready`;
  const wait = spawn(process.execPath, [agentBin, 'wait', '--url', url, '--periodMillis', '100', '--timeoutSeconds', '120'], {
    env: { PATH: process.env.PATH ?? '', PILOT_AGENT_LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  wait.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  wait.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => wait.once('exit', (code) => resolve(code)));
  t.teardown(async () => {
    if (wait.exitCode === null && wait.signalCode === null) wait.kill('SIGKILL');
    await exited;
  });

  // Time passes, proven by the test's own probes: several "config not received" answers after wait started,
  // and wait saying it is not ready yet.
  let withheld = 0;
  await waitFor('three 503 "config not received" answers while wait runs', async () => {
    const r = await agent.get('/healthz/ready');
    if (r.status === 503 && /config not received from XDS server/.test(r.body)) withheld += 1;
    return withheld >= 3 && /Not ready yet/.test(out);
  }, 30_000);
  t.equal(wait.exitCode, null, 'wait is still running while envoy has no config');
  t.match(out, /"reason":"503: config not received from XDS server/, 'wait saw the agent\'s reason');
  t.notMatch(out, /Envoy is ready!/, 'and has not declared envoy ready');

  xds.setSnapshot(seedSnapshot({ inboundPort, outboundPort, appPort, version: '1' }));
  t.equal(await exited, 0, `wait succeeded; stderr: ${err}`);
  await agent.waitForMsg('envoy is LIVE'); // already logged: wait cannot succeed before the agent saw LIVE
  t.equal((await agent.get('/healthz/ready')).status, 200, 'readiness is 200 as wait returns');
  const last = out.trim().split('\n').at(-1)!;
  t.match(JSON.parse(last), { msg: 'Envoy is ready!' });
});
