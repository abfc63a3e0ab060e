import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { AdminClient } from '../../src/envoy/admin.js';
import { Readiness } from '../../src/status/readiness.js';
import type { Supervisor } from '../../src/supervisor/supervisor.js';

// A real admin endpoint on port 0 that reports envoy LIVE with its config received, counting queries.
async function liveEnvoyAdmin(t: Test): Promise<{ admin: AdminClient; queries: () => number }> {
  let queries = 0;
  const server = createServer((req, res) => {
    queries++;
    res.end(
      req.url!.includes('cds')
        ? 'cluster_manager.cds.update_success: 1\nlistener_manager.lds.update_success: 1\n'
        : 'server.state: 0\nlistener_manager.workers_started: 1\n',
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const admin = new AdminClient('127.0.0.1', (server.address() as AddressInfo).port);
  t.teardown(async () => {
    await admin.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { admin, queries: () => queries };
}

t.test('a not-ready verdict cached while envoy starts is dropped the moment the supervisor sees it LIVE', async (t) => {
  const { admin, queries } = await liveEnvoyAdmin(t);
  const supervisor = { state: 'starting', serving: false, admin, adminMayBeMissing: false };
  const readiness = new Readiness(supervisor as unknown as Supervisor);
  t.match(await readiness.check(), { ready: false, reason: /envoy not ready \(starting\)/ });
  t.match(await readiness.check(), { ready: false }, 'a second probe right after is served from the cache');
  const asked = queries();
  Object.assign(supervisor, { state: 'live', serving: true });
  t.same(await readiness.check(), { ready: true, reason: '' }, 'ready at once, not after the cache ages');
  t.ok(queries() > asked, 'envoy was asked again');
});

t.test('probes that arrive together share one admin query', async (t) => {
  const { admin, queries } = await liveEnvoyAdmin(t);
  const supervisor = { state: 'starting', serving: false, admin, adminMayBeMissing: false };
  const readiness = new Readiness(supervisor as unknown as Supervisor);
  await readiness.check(); // the config check passes here, once for this epoch
  Object.assign(supervisor, { state: 'live', serving: true }); // so the cache cannot answer the burst
  const before = queries();
  const verdicts = await Promise.all(Array.from({ length: 20 }, () => readiness.check()));
  t.ok(verdicts.every((v) => v.ready), 'all ready');
  t.equal(queries() - before, 1, '20 probes cost envoy one query');
});
