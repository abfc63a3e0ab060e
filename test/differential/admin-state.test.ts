// The admin API the agent reads, asked of the stub and of real Envoy 1.40 alike: /ready, the state in
// /server_info, /stats with filter and usedonly (the agent's readiness and drain queries), and /healthcheck/fail|ok.
// One envoy of each for the whole file; every step but the last leaves them as it found them.
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import t from 'tap';
import { activeConnections } from '../../src/supervisor/drain.js';
import { adsBootstrap } from '../helpers/direct-envoy.js';
import { admin, flavours, logLines, spawnEnvoy, startPair, staticSetup, waitLive, type Flavour, type StaticEnvoy } from '../helpers/differential.js';
import { metricFamilies, repeatedFamilies } from '../helpers/metric-families.js';
import { request, waitFor } from '../helpers/net.js';

// A short stats flush, so server.state follows a failed health check within a second, as the stub's does; the
// runtime key the agent's bundled bootstrap sets.
const runtime = { layers: [{ name: 'global config', static_layer: { 'overload.global_downstream_max_connections': 2147483647 } }] };
const { envoys, same } = await startPair(t, [], { stats_flush_interval: '0.2s', layered_runtime: runtime });

const body = async (e: StaticEnvoy, method: string, path: string): Promise<{ status: number; body: string }> => {
  const r = await e.admin(method, path);
  return { status: r.status, body: r.body };
};

/** The shape of a JSON document: every key path and the type found there. */
function shape(v: unknown, path = ''): string[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [`${path}: ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v}`];
  return Object.entries(v).flatMap(([k, x]) => shape(x, path ? `${path}.${k}` : k)).sort();
}

/** The agent's readiness queries (src/status/readiness.ts), verbatim. */
const configQuery = `/stats?usedonly&filter=${encodeURIComponent('^(cluster_manager\\.cds|listener_manager\\.lds)\\.(update_success|update_rejected)$')}`;
const stateQuery = `/stats?usedonly&filter=${encodeURIComponent('^(server\\.state|listener_manager\\.workers_started)$')}`;
/** The agent's drain query (src/supervisor/drain.ts): active downstream connections. */
const activeQuery = '/stats?usedonly&filter=downstream_cx_active$';

/** Stat names with what differs per run taken out: ports, and which worker thread took a connection. */
const statNames = (e: StaticEnvoy, text: string): string[] =>
  [...new Set(text.split('\n').filter(Boolean).map((l) => l.replace(/: .*/, '')
    .replaceAll(`_${e.ports.inbound}.`, '_<inbound>.').replaceAll(`_${e.ports.outbound}.`, '_<outbound>.').replace(/\.worker_\d+\./, '.worker_<n>.')))].sort();

t.test('/ready answers 200 LIVE', (t) => same(t, '/ready', (e) => body(e, 'GET', '/ready')));

t.test('the warnings logged at start-up', (t) =>
  same(t, 'the deprecated runtime key, no connection limit', async (e) => logLines(e.envoy.output()).filter((l) => l.level === 'warning').map((l) => l.message)));

t.test('/server_info: state LIVE, our epoch and base id, and the same document shape', async (t) => {
  await same(t, 'state, epoch and base id', async (e) => {
    const info = JSON.parse((await e.admin('GET', '/server_info')).body) as { state: string; command_line_options: { restart_epoch: number; base_id: string } };
    return { state: info.state, epoch: info.command_line_options.restart_epoch, baseId: info.command_line_options.base_id === String(e.baseId) };
  });
  await same(t, 'every key and its type', async (e) => shape(JSON.parse((await e.admin('GET', '/server_info')).body)));
  await same(t, 'the command line as envoy read it (config path and base id aside)', async (e) => {
    const info = JSON.parse((await e.admin('GET', '/server_info')).body) as { command_line_options: Record<string, unknown> };
    const { config_path: _path, base_id: _id, ...rest } = info.command_line_options;
    return rest;
  });
});

t.test('/stats with filter and usedonly: the lines the agent reads', async (t) => {
  await same(t, 'server state and liveness', (e) => body(e, 'GET', `/stats?filter=${encodeURIComponent('^server\\.(state|live|hot_restart_epoch)$')}`));
  await same(t, "the readiness config query (no xDS configured: nothing)", (e) => body(e, 'GET', configQuery));
  await same(t, 'the readiness state query', (e) => body(e, 'GET', stateQuery));
  await same(t, 'a filter matching nothing', (e) => body(e, 'GET', '/stats?filter=^no_such_stat$'));
  await same(t, 'usedonly hides stats never written (no traffic yet)', async (e) => statNames(e, (await e.admin('GET', activeQuery)).body));
  await same(t, 'without usedonly they are listed, per worker too', async (e) => statNames(e, (await e.admin('GET', '/stats?filter=downstream_cx_active$')).body));
  const bad = await Promise.all(envoys.map((e) => body(e, 'GET', '/stats?filter=(unclosed')));
  t.same(bad.map((b) => b.status), [400, 400], 'a bad regex is a 400 from both');
  // Known difference (README): real Envoy appends RE2's reason and the pattern; the stub compiles with JS RegExp.
  t.same(bad.map((b) => b.body), ['Invalid re2 regex: missing ): (unclosed', 'Invalid re2 regex'], 'the 400 body: RE2 says why, the stub does not');
});

t.test("active connections as the agent's drain counts them", async (t) => {
  const held = await Promise.all(envoys.map((e) => new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(e.ports.inbound, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  })));
  const counted = (e: StaticEnvoy) => async () => activeConnections((await e.admin('GET', activeQuery)).body, [e.ports.admin]);
  for (const e of envoys) await waitFor(`${e.flavour} counts the held connection`, async () => (await counted(e)()) === 1);
  await same(t, 'the lines once a connection is open', async (e) => statNames(e, (await e.admin('GET', activeQuery)).body));
  for (const s of held) s.destroy();
  for (const e of envoys) await waitFor(`${e.flavour} counts it gone`, async () => (await counted(e)()) === 0);
  await same(t, 'the lines once it closed (a gauge once written stays listed at 0)', async (e) => statNames(e, (await e.admin('GET', activeQuery)).body));
  // What the agent's merged /stats/prometheus relays: the same families, labels and tags (values left out).
  await same(t, 'the same in Prometheus form', async (e) => {
    const text = (await e.admin('GET', `/stats/prometheus?usedonly&filter=${encodeURIComponent('downstream_cx_(active|total)$')}`)).body;
    return [...new Set(text.split('\n').filter(Boolean).map((l) => l.replace(/ \d+$/, '')
      .replaceAll(`_${e.ports.inbound}"`, '_<inbound>"').replace(/envoy_worker_id="\d+"/, 'envoy_worker_id="<n>"')))];
  });
});

t.test('/healthcheck/fail and /healthcheck/ok', async (t) => {
  const throughInbound = async (e: StaticEnvoy) => {
    const r = await request(`http://127.0.0.1:${e.ports.inbound}/`, 'GET', { connection: 'keep-alive' }, 5_000);
    return { status: r.status, closes: r.headers.connection === 'close' };
  };
  await same(t, 'GET is refused', (e) => body(e, 'GET', '/healthcheck/fail'));
  await same(t, 'POST fails the health check', (e) => body(e, 'POST', '/healthcheck/fail'));
  await same(t, '/ready then', (e) => body(e, 'GET', '/ready'));
  await same(t, '/server_info state then', async (e) => (JSON.parse((await e.admin('GET', '/server_info')).body) as { state: string }).state);
  await same(t, 'server.live at once', (e) => body(e, 'GET', '/stats?filter=^server\\.live$'));
  for (const e of envoys) await waitFor(`${e.flavour} server.state DRAINING after a flush`, async () => (await e.admin('GET', '/stats?filter=^server\\.state$')).body === 'server.state: 1\n');
  await same(t, 'HTTP/1 responses through a listener close their connection', throughInbound);
  await same(t, 'POST /healthcheck/ok', (e) => body(e, 'POST', '/healthcheck/ok'));
  await same(t, '/ready again', (e) => body(e, 'GET', '/ready'));
  await same(t, 'server.live again', (e) => body(e, 'GET', '/stats?filter=^server\\.live$'));
  for (const e of envoys) await waitFor(`${e.flavour} server.state LIVE after a flush`, async () => (await e.admin('GET', '/stats?filter=^server\\.state$')).body === 'server.state: 0\n');
  await same(t, 'connections are kept alive again', throughInbound);
});

// Last, as it stops a listener for good (admin-drain.test.ts covers the graceful drains).
t.test('/drain_listeners?inboundonly without graceful stops the inbound listener at once', async (t) => {
  const through = async (port: number): Promise<string> => {
    const r = await request(`http://127.0.0.1:${port}/`, 'GET', {}, 5_000).catch((e: NodeJS.ErrnoException) => e.code ?? String(e));
    return typeof r === 'string' ? r : String(r.status);
  };
  const seen = await same(t, 'the answer and what follows', async (e) => {
    const answer = await body(e, 'POST', '/drain_listeners?inboundonly');
    // Real Envoy's workers stop listening just after the answer: a connection in that moment is reset.
    const inbound = await waitFor(`${e.flavour} inbound refused`, async () => {
      const l = await through(e.ports.inbound);
      return l !== 'ECONNRESET' && l;
    });
    return { answer, inbound, outbound: await through(e.ports.outbound), ready: (await e.admin('GET', '/ready')).body };
  });
  t.same(seen, { answer: { status: 200, body: 'OK\n' }, inbound: 'ECONNREFUSED', outbound: '200', ready: 'LIVE\n' }, 'what both do');
});

// Known difference (README "Control plane"): the stub never dials xDS and goes LIVE as if it had answered.
t.test('with ADS configured and no control plane answering: real Envoy waits, the stub is LIVE', async (t) => {
  const observe = async (flavour: Flavour) => {
    const s = await staticSetup(t, `${flavour}-ads`);
    writeFileSync(s.config, JSON.stringify(adsBootstrap('sidecar~127.0.0.1~ads.default~default.svc.cluster.local', s.ports.admin, s.ports.inbound))); // nothing listens there
    const envoy = spawnEnvoy(t, flavour, ['-c', s.config, '--base-id', String(s.baseId), '-l', 'info'], s.dir);
    await waitFor(`${flavour} admin answers`, () => admin(s.ports.admin, 'GET', '/ready').catch(() => undefined), 30_000);
    // The stub passes through its start-up states at once; real Envoy's first fetch times out only after 15 s.
    if (flavour === 'stub') await waitLive(envoy, s.ports.admin);
    const info = JSON.parse((await admin(s.ports.admin, 'GET', '/server_info')).body) as { state: string };
    const ready = await admin(s.ports.admin, 'GET', '/ready');
    return { ready: ready.status, state: info.state, config: (await admin(s.ports.admin, 'GET', configQuery)).body };
  };
  const [r, s] = await Promise.all(flavours.map(observe));
  t.same(r, { ready: 503, state: 'PRE_INITIALIZING', config: '' }, "real Envoy: not ready, and no config counters for the agent's readiness");
  t.same(s, { ready: 200, state: 'LIVE', config: 'cluster_manager.cds.update_success: 1\nlistener_manager.lds.update_success: 1\n' }, 'the stub: LIVE as if xDS had answered');
});

t.test("/stats/prometheus: both parse, each family once, and every family of the stub's is one of real Envoy's", async (t) => {
  const [r, s] = await Promise.all(envoys.map(async (e) => (await e.admin('GET', '/stats/prometheus')).body));
  t.same([repeatedFamilies(r!), repeatedFamilies(s!)], [[], []], 'no family twice');
  /** Family name → type and label names (values vary). */
  const families = (text: string) => new Map(metricFamilies(text).map((f) => [f.name, `${f.type} {${[...new Set(f.metrics.flatMap((m) => Object.keys(m.labels ?? {})))].sort().join(',')}}`]));
  const real = families(r!);
  const invented = [...families(s!)].filter(([name, shape]) => real.get(name) !== shape).map(([name, shape]) => `${name} ${shape} (real: ${real.get(name) ?? 'none'})`);
  t.same(invented, [], 'no family the stub makes up or shapes differently');
});
