// `npm start` as a user runs it when the default ports are taken: ports moved by flags after `--` and by envoy's two
// environment variables, everything answers on the moved ports, and Ctrl-C drains and exits, leaving nothing behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import t from 'tap';
import { repoRoot } from '../helpers/agent.js';
import { freePort, request, waitFor } from '../helpers/net.js';
import { alive } from '../helpers/running-agent.js';

const refuses = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

t.test('npm start on moved ports: flags after -- win, ENVOY_STATUS_PORT and ENVOY_PROMETHEUS_PORT move envoy\'s listeners', async (t) => {
  const [admin, status, health, prometheus] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(`${tmpdir()}/npm-start-`);
  const env = { ...process.env, START_LOCAL_DIR: dir, ENVOY_STATUS_PORT: String(health), ENVOY_PROMETHEUS_PORT: String(prometheus) };
  const proc = spawn(process.execPath, [`${repoRoot}scripts/start-local.mjs`, '--proxyAdminPort', String(admin), '--statusPort', String(status)], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const pids = (): number[] => [/agent pid (\d+)/.exec(err)?.[1], ...[...out.matchAll(/envoyPid: (\d+)/g)].map((m) => m[1])].filter(Boolean).map(Number);
  t.teardown(async () => {
    for (const pid of [proc.pid!, ...pids()]) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already, as it should be
      }
    }
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });

  await waitFor('readiness on the moved status port', async () => (await request(`http://127.0.0.1:${status}/healthz/ready`).catch(() => undefined))?.status === 200, 30_000);
  t.equal((await request(`http://127.0.0.1:${admin}/ready`)).body, 'LIVE\n', 'the stub envoy\'s admin on the moved admin port');
  t.equal((await request(`http://127.0.0.1:${health}/healthz/ready`)).status, 200, 'envoy\'s health listener on ENVOY_STATUS_PORT, routed to the agent');
  t.match((await request(`http://127.0.0.1:${prometheus}/stats/prometheus`)).body, /envoy_server_state/, 'envoy\'s prometheus listener on ENVOY_PROMETHEUS_PORT');
  const started = pids();
  t.equal(started.length, 2, 'the agent and one envoy');

  proc.kill('SIGINT'); // what Ctrl-C sends the launcher
  t.equal(await exited, 0, 'exits 0 after the drain');
  t.match(out, /pilot-agent exiting/);
  t.same(started.filter(alive), [], 'neither the agent nor envoy survives');
  for (const port of [admin, status, health, prometheus]) t.ok(await refuses(port), `port ${port} closed`);
  t.same(readdirSync(`${dir}/proxy`), [], 'no bootstrap file left');
});
