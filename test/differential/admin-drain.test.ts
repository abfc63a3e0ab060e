// /drain_listeners with the parameters the agent sends (inboundonly, graceful, skip_exit), then /quitquitquit,
// asked of the stub and of real Envoy 1.40 alike. Steps build on each other, on one envoy of each.
// `--drain-strategy immediate`: every HTTP/1 response during a drain closes its connection, so one request shows
// whether a listener drains.
import net from 'node:net';
import t from 'tap';
import { logLines, startPair, type StaticEnvoy } from '../helpers/differential.js';
import { request, waitFor } from '../helpers/net.js';

// A drain time long enough that the checks made right after a drain request see it running, even on a busy host.
const { envoys, same } = await startPair(t, ['--drain-time-s', '3', '--drain-strategy', 'immediate']);

const body = async (e: StaticEnvoy, method: string, path: string) => {
  const r = await e.admin(method, path);
  return { status: r.status, body: r.body };
};

/** One keep-alive request through a listener: refused, or answered and whether envoy closes the connection. */
async function through(port: number): Promise<string> {
  try {
    const r = await request(`http://127.0.0.1:${port}/`, 'GET', { connection: 'keep-alive' }, 5_000);
    return `${r.status} ${r.headers.connection === 'close' ? 'closes' : 'keeps alive'}`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}
const listeners = async (e: StaticEnvoy) => ({ inbound: await through(e.ports.inbound), outbound: await through(e.ports.outbound) });
const state = async (e: StaticEnvoy) => ({
  ready: await body(e, 'GET', '/ready'),
  serverInfo: (JSON.parse((await e.admin('GET', '/server_info')).body) as { state: string }).state,
});

t.test('/drain_listeners: inbound only, graceful, skip_exit, then everything', async (t) => {
  await same(t, 'before: both listeners serve and keep connections', listeners);
  await same(t, 'GET is refused', (e) => body(e, 'GET', '/drain_listeners'));
  await same(t, "the agent's /drain request (inboundonly&graceful&skip_exit)", (e) => body(e, 'POST', '/drain_listeners?inboundonly&graceful&skip_exit'));
  await same(t, 'only the INBOUND listener drains', listeners);
  await same(t, 'envoy still reports LIVE while draining', state);
  await same(t, "the agent's shutdown drain (inboundonly&graceful) on top", (e) => body(e, 'POST', '/drain_listeners?inboundonly&graceful'));
  await same(t, 'which drains nothing new: the inbound sequence already runs, nothing stops yet', listeners);
  await same(t, 'a graceful drain of every listener', (e) => body(e, 'POST', '/drain_listeners?graceful'));
  await same(t, 'now the OUTBOUND listener drains too', listeners);
  for (const e of envoys) {
    await waitFor(`${e.flavour} stops its listeners after --drain-time-s`, async () => {
      const l = await listeners(e);
      return l.inbound === 'ECONNREFUSED' && l.outbound === 'ECONNREFUSED';
    }, 15_000);
  }
  await same(t, 'with the listeners stopped envoy still reports LIVE', state);
});

t.test('/quitquitquit: GET refused, POST answers OK and envoy exits 0', async (t) => {
  await same(t, 'GET is refused', (e) => body(e, 'GET', '/quitquitquit'));
  const held = await Promise.all(envoys.map((e) => new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(e.ports.admin, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  })));
  t.teardown(() => held.forEach((s) => s.destroy()));
  await same(t, 'POST', (e) => body(e, 'POST', '/quitquitquit'));
  await same(t, 'the exit', (e) => e.envoy.exited);
  await same(t, 'the last log lines', async (e) => logLines(e.envoy.output()).slice(-3).map((l) => `[${l.level}][${l.component}] ${l.message}`));
});
