// The hot-restart hand-off as the agent drives it, run with the stub and with real Envoy 1.40 (each with itself:
// the two cannot hot-restart into each other): epoch 1 starts beside a LIVE epoch 0 with the same base id, takes the
// admin port and the listeners, drains the parent and, --parent-shutdown-time-s after its start, has it exit 0.
// Who exits when, with which code, and what each process logs on the way.
import { readFileSync, writeFileSync } from 'node:fs';
import { http, type Http } from '../helpers/node-http.js';
import t from 'tap';
import type { Test } from 'tap';
import { errorLines, flavours, logLines, spawnEnvoy, startStatic, type DirectEnvoy, type StaticEnvoy } from '../helpers/differential.js';
import { request, waitFor } from '../helpers/net.js';

// The parent lives 4 s past its child's start: room for the checks made while both run, even on a busy host.
const timing = ['--drain-time-s', '1', '--parent-shutdown-time-s', '4'];

/** The hot-restart milestones each process logs, in its own order. */
const milestones = new Set([
  'shutting down admin due to child startup',
  'terminating parent process',
  'closing and draining listeners',
  'shutting down parent after drain',
  'shutting down due to child request',
  'caught ENVOY_SIGTERM',
  'exiting',
]);
const milestoneLines = (e: DirectEnvoy) => logLines(e.output()).filter((l) => milestones.has(l.message)).map((l) => `[${l.level}] ${l.message}`);
/**
 * Every epoch, 0 included, runs its own parent-shutdown timer from its start: epoch 0's fires 4 s after it started,
 * before or after its child appears depending on how fast the child starts. Its place in the order is left out.
 */
const ownTimer = '[info] shutting down parent after drain';
const ordered = (lines: string[]) => ({ lines: lines.filter((l) => l !== ownTimer), ownTimerFired: lines.includes(ownTimer) });

interface HandOff {
  /** The epoch answering on an admin connection made, and kept alive, before the child started. */
  readonly keptConnectionEpoch: number;
  readonly parentExit: unknown;
  readonly childLoggedTerminateFirst: boolean;
  readonly childAfter: unknown;
  readonly parentLines: { lines: string[]; ownTimerFired: boolean };
  readonly childLines: string[];
}

/** /server_info's epoch, asked through `agent` (a kept-alive connection) or on a fresh one. */
async function epochOf(e: StaticEnvoy, agent: Http.Agent | false): Promise<number | undefined> {
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.get(`http://127.0.0.1:${e.ports.admin}/server_info`, { agent }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(res.statusCode === 200 ? text : '{}'));
    });
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
  const info = JSON.parse(body) as { state?: string; command_line_options?: { restart_epoch: number } };
  return info.state === 'LIVE' ? info.command_line_options?.restart_epoch : undefined;
}

async function handOff(t: Test, epoch0: StaticEnvoy): Promise<HandOff> {
  const kept = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => kept.destroy());
  await epochOf(epoch0, kept);
  const child = spawnEnvoy(t, epoch0.flavour, ['-c', epoch0.config, '--base-id', String(epoch0.baseId), '--restart-epoch', '1', '-l', 'info', '--concurrency', '2', ...timing], epoch0.dir);
  // Fresh connections: the parent keeps answering on admin connections it had accepted before the hand-over.
  await waitFor(`${epoch0.flavour} epoch 1 LIVE on the admin port`, async () => {
    if (child.exit()) throw new Error(`${epoch0.flavour} epoch 1 exited: ${child.output().slice(-1500)}`);
    return (await epochOf(epoch0, false).catch(() => undefined)) === 1;
  }, 30_000);
  // The agent's liveness poll relies on this: only fresh connections reach the child.
  const keptConnectionEpoch = await epochOf(epoch0, kept).catch(() => -1) ?? -1;
  const parentExit = await epoch0.envoy.exited;
  // The child says it ends the parent before the parent goes: the parent's exit is the child's doing.
  const childLoggedTerminateFirst = logLines(child.output()).some((l) => l.message === 'shutting down parent after drain');
  const through = await request(`http://127.0.0.1:${epoch0.ports.inbound}/`, 'GET', {}, 5_000);
  const stats = await epoch0.admin('GET', `/stats?filter=${encodeURIComponent('^server\\.(hot_restart_epoch|hot_restart_generation|state)$')}`);
  return {
    keptConnectionEpoch,
    parentExit,
    childLoggedTerminateFirst,
    childAfter: { running: child.exit() === undefined, ready: (await epoch0.admin('GET', '/ready')).body, inbound: `${through.status} ${through.body}`, stats: stats.body },
    parentLines: ordered(milestoneLines(epoch0.envoy)),
    childLines: milestoneLines(child),
  };
}

t.test('hot restart: epoch 1 takes over, epoch 0 drains and exits 0 when its child says', async (t) => {
  const runs = await Promise.all(flavours.map(async (f) => handOff(t, await startStatic(t, f, timing))));
  const [real, stub] = runs as [HandOff, HandOff];
  t.same(stub, real, 'the stub hands over as real Envoy does');
  t.equal(real.keptConnectionEpoch, 0, 'an admin connection kept alive from before the hand-over still reaches epoch 0');
  t.same(real.parentExit, { code: 0, signal: null }, 'epoch 0 exits 0');
  t.ok(real.childLoggedTerminateFirst, 'after its child asked');
  t.same(real.childAfter, { running: true, ready: 'LIVE\n', inbound: '200 inbound\n', stats: 'server.hot_restart_epoch: 1\nserver.hot_restart_generation: 2\nserver.state: 0\n' }, 'epoch 1 serves on');
});

/**
 * A child that dies on its config before LIVE (the agent validates first, but a child can die before LIVE anyway):
 * it has already told the parent to shut its admin down, so the parent serves on with no admin port, and its
 * shared memory stays marked "initializing", so the next hot restart on that base id is refused.
 */
async function failedChild(t: Test, epoch0: StaticEnvoy) {
  const bad = `${epoch0.dir}/bad.json`;
  const config = JSON.parse(readFileSync(epoch0.config, 'utf8')) as { static_resources: object };
  const endpoint = { endpoint: { address: { socket_address: { address: 'localhost', port_value: 80 } } } }; // a name in a STATIC cluster
  const cluster = { name: 'app', type: 'STATIC', load_assignment: { cluster_name: 'app', endpoints: [{ lb_endpoints: [endpoint] }] } };
  writeFileSync(bad, JSON.stringify({ ...config, static_resources: { ...config.static_resources, clusters: [cluster] } }));
  const child = spawnEnvoy(t, epoch0.flavour, ['-c', bad, '--base-id', String(epoch0.baseId), '--restart-epoch', '1', '-l', 'info', ...timing], epoch0.dir);
  const childExit = await child.exited;
  const admin = await epoch0.admin('GET', '/ready').then((r) => String(r.status), (e: NodeJS.ErrnoException) => e.code);
  const inbound = await request(`http://127.0.0.1:${epoch0.ports.inbound}/`, 'GET', {}, 5_000);
  const next = spawnEnvoy(t, epoch0.flavour, ['-c', epoch0.config, '--base-id', String(epoch0.baseId), '--restart-epoch', '1', '-l', 'info', ...timing], epoch0.dir);
  const nextExit = await next.exited;
  const lines = (out: string) => errorLines(out).map((l) => l.replaceAll(epoch0.dir, '<dir>'));
  return {
    child: { exit: childExit, lines: lines(child.output()) },
    parent: { running: epoch0.envoy.exit() === undefined, admin, inbound: `${inbound.status} ${inbound.body}`, lines: ordered(milestoneLines(epoch0.envoy)).lines },
    next: { exit: nextExit, lines: lines(next.output()) },
  };
}

t.test('a child that fails on its config leaves the parent serving without admin, and blocks the next hot restart', async (t) => {
  const [real, stub] = await Promise.all(flavours.map(async (f) => failedChild(t, await startStatic(t, f, timing))));
  t.same(stub, real, 'the stub does what real Envoy does');
  t.same(real!.parent, { running: true, admin: 'ECONNREFUSED', inbound: '200 inbound\n', lines: ['[warning] shutting down admin due to child startup', '[warning] terminating parent process'] }, 'the parent');
  t.same(real!.next, { exit: { code: 1, signal: null }, lines: ['previous envoy process is still initializing'] }, 'the next epoch');
});
