// `npm run start:envoy` as a user runs it, on ports from the OS (each overridable by env): the app answers through
// envoy's inbound listener, and Ctrl-C drains and exits cleanly, leaving nothing listening or running.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import t from 'tap';
import { launchLocal, refuses } from '../helpers/local-launcher.js';
import { freePort, request, waitFor } from '../helpers/net.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { alive } from '../helpers/running-agent.js';

t.test('start:envoy serves the app through the inbound listener, and Ctrl-C leaves nothing running', async (t) => {
  const names = ['APP_PORT', 'INBOUND_PORT', 'OUTBOUND_PORT', 'XDS_PORT', 'PROXY_ADMIN_PORT', 'STATUS_PORT', 'ENVOY_STATUS_PORT', 'ENVOY_PROMETHEUS_PORT'];
  const ports: Record<string, number> = {};
  for (const n of names) ports[n] = await freePort();
  const dir = mkdtempSync(`${tmpdir()}/start-envoy-`);
  const env = { ...process.env, START_ENVOY_DIR: dir, ENVOY_BINARY: realEnvoyBinary(), BASE_ID: String(ports.PROXY_ADMIN_PORT), ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) };
  const launched = launchLocal(t, 'start-envoy.mjs', [], env);
  t.teardown(() => {
    // After the launcher's teardown has killed everything.
    rmSync(dir, { recursive: true, force: true });
    rmSync(`/dev/shm/envoy_shared_memory_${ports.PROXY_ADMIN_PORT! * 10}`, { force: true }); // Envoy leaves it even on a clean exit
  });

  const reply = await waitFor('the app through envoy', () => request(`http://127.0.0.1:${ports.INBOUND_PORT}/hi`).catch(() => undefined), 60_000);
  t.equal(reply.body, 'hello from the app behind envoy: GET /hi\n');
  t.match(launched.err(), new RegExp(`start:envoy: curl http://127\\.0\\.0\\.1:${ports.INBOUND_PORT}/ .*xDS :${ports.XDS_PORT};`), 'one line says which port does what');
  const ready = await waitFor('agent readiness', async () => {
    const r = await request(`http://127.0.0.1:${ports.STATUS_PORT}/healthz/ready`);
    return r.status === 200 && r;
  }, 30_000);
  t.equal(ready.status, 200);
  const started = launched.pids();
  t.equal(started.length, 2, 'the agent and one envoy');

  launched.proc.kill('SIGINT'); // what Ctrl-C sends the launcher
  t.equal(await launched.exited, 0, 'exits 0 after the drain');
  t.match(launched.out(), /pilot-agent exiting/);
  t.same(started.filter(alive), [], 'neither the agent nor envoy survives');
  t.notOk(existsSync(`/dev/shm/envoy_shared_memory_${ports.PROXY_ADMIN_PORT! * 10}`), "envoy's shared memory file is removed");
  for (const n of names) t.ok(await refuses(ports[n]!), `${n} closed`);
});
