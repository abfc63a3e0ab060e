// `pilot-agent wait --stopProxyOnExit -- cmd`, the classic sidecar's way to let a Job finish: the agent
// (supervising the stub envoy) and the wrapper run as two processes, as istio-proxy and the app container
// do. When the command exits the wrapper POSTs /quitquitquit; the agent drains and exits 0; the wrapper
// exits with the command's code.
import t from 'tap';
import { runAgent } from '../helpers/agent.js';
import { freePort } from '../helpers/net.js';
import { alive, startAgent } from '../helpers/running-agent.js';
import { lines, scriptedEndpoint } from '../helpers/wait-harness.js';

for (const exitCode of [0, 3]) {
  t.test(`the command exits ${exitCode}: the wrapper exits ${exitCode}, the agent drains, exits 0 and is gone`, async (t) => {
    const agent = await startAgent(t);
    const res = await runAgent([
      'wait', '--url', `http://localhost:${agent.ports.envoyStatus}/healthz/ready`, '--periodMillis', '100',
      '--stopProxyOnExit', '--statusPort', String(agent.ports.status),
      '--', process.execPath, '-e', `process.exit(${exitCode})`,
    ]);
    t.equal(res.code, exitCode, `the command's exit code is the wrapper's: ${res.stderr}`);
    t.equal(res.stderr, '', 'no complaint');
    const wrapperLogs = lines(res.stdout).map((l) => JSON.parse(l) as { msg: string; exitCode?: number });
    t.match(wrapperLogs.at(-1), { msg: 'asked the proxy to stop (POST /quitquitquit)', exitCode }, 'the stop came after the command');

    const { code } = await agent.exited;
    t.equal(code, 0, 'the agent exits 0, so istio-proxy does not hold the Job');
    t.match(agent.logs.find((l) => l.msg === 'shutdown: draining envoy'), { reason: 'POST /quitquitquit' }, 'a graceful shutdown, asked over the status port');
    t.ok(agent.logs.some((l) => l.msg === 'envoy stopped'), 'envoy was stopped after the drain');
    for (const pid of agent.envoyPids()) t.notOk(alive(pid), 'envoy is gone');
    t.notOk(alive(agent.proc.pid!), 'the agent is gone');
  });
}

t.test('nobody to stop: one line on stderr, and still the command\'s exit code', async (t) => {
  const port = await freePort(); // no agent there
  const ready = await scriptedEndpoint(t, () => ({ status: 200 })); // the proxy's readiness, as far as the wrapper knows
  const res = await runAgent(['wait', '--url', ready.url, '--stopProxyOnExit', '--statusPort', String(port), '--', process.execPath, '-e', 'process.exit(5)']);
  t.equal(res.code, 5);
  t.same(lines(res.stderr), [`error: cannot stop the proxy: POST http://127.0.0.1:${port}/quitquitquit: connection refused (127.0.0.1:${port})`]);
});

t.test('--stopProxyOnExit without a command is a usage error', async (t) => {
  const res = await runAgent(['wait', '--stopProxyOnExit']);
  t.equal(res.code, 2);
  t.same(lines(res.stderr), ['error: --stopProxyOnExit needs a command after "--": the proxy is stopped when it exits']);
});
