// `npm start` as a user runs it when the default ports are taken: ports moved by flags after `--` and by envoy's two
// environment variables, everything answers on the moved ports, and Ctrl-C drains and exits, leaving nothing behind.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import t from 'tap';
import { launchLocal, refuses } from '../helpers/local-launcher.js';
import { freePort, request, waitFor } from '../helpers/net.js';
import { alive } from '../helpers/running-agent.js';

t.test('npm start on moved ports: flags after -- win, ENVOY_STATUS_PORT and ENVOY_PROMETHEUS_PORT move envoy\'s listeners', async (t) => {
  const [admin, status, health, prometheus] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(`${tmpdir()}/npm-start-`);
  const env = { ...process.env, START_LOCAL_DIR: dir, ENVOY_STATUS_PORT: String(health), ENVOY_PROMETHEUS_PORT: String(prometheus) };
  const launched = launchLocal(t, 'start-local.mjs', ['--proxyAdminPort', String(admin), '--statusPort', String(status)], env);
  t.teardown(() => rmSync(dir, { recursive: true, force: true })); // after the launcher's teardown has killed everything

  await waitFor('readiness on the moved status port', async () => (await request(`http://127.0.0.1:${status}/healthz/ready`).catch(() => undefined))?.status === 200, 30_000);
  t.equal((await request(`http://127.0.0.1:${admin}/ready`)).body, 'LIVE\n', 'the stub envoy\'s admin on the moved admin port');
  t.equal((await request(`http://127.0.0.1:${health}/healthz/ready`)).status, 200, 'envoy\'s health listener on ENVOY_STATUS_PORT, routed to the agent');
  t.match((await request(`http://127.0.0.1:${prometheus}/stats/prometheus`)).body, /envoy_server_state/, 'envoy\'s prometheus listener on ENVOY_PROMETHEUS_PORT');
  const started = launched.pids();
  t.equal(started.length, 2, 'the agent and one envoy');

  launched.proc.kill('SIGINT'); // what Ctrl-C sends the launcher
  t.equal(await launched.exited, 0, 'exits 0 after the drain');
  t.match(launched.out(), /pilot-agent exiting/);
  t.same(started.filter(alive), [], 'neither the agent nor envoy survives');
  for (const port of [admin, status, health, prometheus]) t.ok(await refuses(port), `port ${port} closed`);
  t.same(readdirSync(`${dir}/proxy`), [], 'no bootstrap file left');
});
