import { http } from '../helpers/node-http.js';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { AdminClient } from '../../src/envoy/admin.js';
import { Readiness, type ReadinessSource } from '../../src/status/readiness.js';
import { lifecycleReadiness, newMachine, type Machine } from '../../src/supervisor/machine.js';

const { createServer } = http;

/** Readiness as the supervisor feeds it: a machine whose epoch 0 is starting, and that epoch's admin client. */
function startingEnvoy(admin: AdminClient): { machine: Machine; source: ReadinessSource } {
  const machine = newMachine({ restartBudget: 3, backoffMs: 1, backoffMaxMs: 1, hotRestartMinIntervalMs: 0 });
  machine.state = 'starting';
  machine.epochs.set(0, false);
  return { machine, source: { lifecycle: () => lifecycleReadiness(machine), admin: () => admin } };
}

/** The supervisor sees epoch 0 LIVE. */
function goLive(machine: Machine): void {
  machine.state = 'live';
  machine.epochs.set(0, true);
}

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
  const { machine, source } = startingEnvoy(admin);
  const readiness = new Readiness(source);
  t.match(await readiness.check(), { ready: false, reason: /envoy not ready \(starting\)/ });
  t.match(await readiness.check(), { ready: false }, 'a second probe right after is served from the cache');
  const asked = queries();
  goLive(machine);
  t.same(await readiness.check(), { ready: true, reason: '' }, 'ready at once, not after the cache ages');
  t.ok(queries() > asked, 'envoy was asked again');
});

t.test('probes that arrive together share one admin query', async (t) => {
  const { admin, queries } = await liveEnvoyAdmin(t);
  const { machine, source } = startingEnvoy(admin);
  const readiness = new Readiness(source);
  await readiness.check(); // the config check passes here, once for this epoch
  goLive(machine); // so the cache cannot answer the burst
  const before = queries();
  const verdicts = await Promise.all(Array.from({ length: 20 }, () => readiness.check()));
  t.ok(verdicts.every((v) => v.ready), 'all ready');
  t.equal(queries() - before, 1, '20 probes cost envoy one query');
});
