// /healthcheck/fail makes the server DRAINING; /drain_listeners drains (gracefully or not)
// without ever making it exit.

import { http, type Http } from '../../helpers/node-http.js';
import t, { type Test } from 'tap';
import { bootstrap, events, listenerUrl, startStub, stat, writeBootstrap } from '../../fixtures/stub/harness.js';
import { request, waitFor, type Reply } from '../../helpers/net.js';

function keepAliveGet(agent: Http.Agent, url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

async function start(t: Test, args: string[], spec = {}) {
  const dir = t.testdir();
  const stub = startStub(t, dir, { args: ['-c', writeBootstrap(dir, bootstrap(spec)), '--disable-hot-restart', ...args] });
  const admin = await stub.admin();
  return { dir, stub, admin, url: await listenerUrl(admin) };
}

t.test('/healthcheck/fail turns the server DRAINING and /healthcheck/ok back to LIVE', async (t) => {
  const { admin, url, dir } = await start(t, []);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  t.not((await keepAliveGet(agent, `${url}/`)).headers.connection, 'close');
  t.equal((await request(`${admin}/healthcheck/fail`, 'POST')).body, 'OK\n');
  const ready = await request(`${admin}/ready`);
  t.same([ready.status, ready.body], [503, 'DRAINING\n']);
  t.equal(JSON.parse((await request(`${admin}/server_info`)).body).state, 'DRAINING');
  await waitFor('server.live 0 after a stats flush', async () => (await stat(admin, 'server.live')) === 0);
  await waitFor('server.state 1', async () => (await stat(admin, 'server.state')) === 1);
  t.equal((await keepAliveGet(agent, `${url}/`)).headers.connection, 'close', 'DEFAULT listeners drain-close');
  await request(`${admin}/healthcheck/ok`, 'POST');
  t.same((await request(`${admin}/ready`)).status, 200);
  t.not((await keepAliveGet(agent, `${url}/`)).headers.connection, 'close');
  t.match(events(dir).filter((e) => e.event === 'state').map((e) => e.to), ['INITIALIZING', 'LIVE', 'DRAINING', 'LIVE']);
});

t.test('/drain_listeners?graceful closes connections gradually, then stops the listener; the process stays', async (t) => {
  const { admin, url, dir, stub } = await start(t, ['--drain-time-s', '1']);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  t.not((await keepAliveGet(agent, `${url}/`)).headers.connection, 'close');
  t.equal((await request(`${admin}/drain_listeners?graceful`, 'POST')).body, 'OK\n');
  await waitFor('drain end', () => events(dir).some((e) => e.event === 'drain' && e.complete === true));
  t.equal((await keepAliveGet(agent, `${url}/`)).headers.connection, 'close', 'past the deadline every response closes');
  await t.rejects(request(`${url}/`), { code: 'ECONNREFUSED' }, 'the listener stopped');
  t.equal((await request(`${admin}/ready`)).body, 'LIVE\n', '/ready is not affected');
  t.notOk(stub.hasExited());
});

t.test('with --drain-strategy immediate every response closes as soon as the drain starts', async (t) => {
  const { admin, url } = await start(t, ['--drain-time-s', '600', '--drain-strategy', 'immediate']);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  t.not((await keepAliveGet(agent, `${url}/`)).headers.connection, 'close');
  await request(`${admin}/drain_listeners?graceful&skip_exit`, 'POST');
  t.equal((await keepAliveGet(agent, `${url}/`)).headers.connection, 'close');
  t.equal((await request(`${url}/`)).status, 200, 'still accepting during the drain');
});

t.test('/drain_listeners without graceful stops listening at once; inboundonly spares others', async (t) => {
  const inbound = await start(t, [], { listenerExtra: { traffic_direction: 'INBOUND' } });
  const outbound = await start(t, [], { listenerExtra: { traffic_direction: 'OUTBOUND' } });
  for (const s of [inbound, outbound]) await request(`${s.admin}/drain_listeners?inboundonly`, 'POST');
  await t.rejects(request(`${inbound.url}/`), { code: 'ECONNREFUSED' });
  t.equal((await request(`${outbound.url}/`)).status, 200);
  await request(`${outbound.admin}/drain_listeners`, 'POST');
  await t.rejects(request(`${outbound.url}/`), { code: 'ECONNREFUSED' });
  t.notOk(outbound.stub.hasExited());
});

t.test('/drain_listeners?graceful&inboundonly drain-closes only INBOUND listeners, as real Envoy does', async (t) => {
  const directions = ['INBOUND', 'OUTBOUND', undefined] as const;
  for (const direction of directions) {
    const s = await start(t, ['--drain-time-s', '600', '--drain-strategy', 'immediate'], direction ? { listenerExtra: { traffic_direction: direction } } : {});
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    t.teardown(() => agent.destroy());
    await request(`${s.admin}/drain_listeners?graceful&inboundonly&skip_exit`, 'POST');
    const closes = (await keepAliveGet(agent, `${s.url}/`)).headers.connection === 'close';
    t.equal(closes, direction === 'INBOUND', `${direction ?? 'no traffic_direction'}: ${closes ? 'drain-closed' : 'kept alive'}`);
  }
});
