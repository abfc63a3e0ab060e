// Static HTTP listeners route like Envoy: to a STATIC cluster's endpoint or a direct_response,
// 404 without a route, 503 when the upstream is missing or refuses; connections are counted.

import net from 'node:net';
import t from 'tap';
import { bootstrap, listenerUrl, startStub, stat, upstream, writeBootstrap } from '../../fixtures/stub/harness.js';
import { freePort, request, waitFor } from '../../helpers/net.js';

t.test('requests reach the upstream of the matching route and the answer is relayed', async (t) => {
  const port = await upstream(t, (req, res) => {
    res.writeHead(201, { 'x-from': 'upstream', 'content-type': 'text/plain' });
    res.end(`${req.method} ${req.url} host=${req.headers.host}`);
  });
  const closed = await freePort();
  const dir = t.testdir();
  const path = writeBootstrap(dir, bootstrap({
    clusters: { app: [port], dead: [closed], empty: [] },
    routes: [
      { path: '/direct', direct: { status: 418, body: 'teapot' } },
      { path: '/nobody', direct: { status: 204 } },
      { prefix: '/dead', cluster: 'dead' },
      { prefix: '/empty', cluster: 'empty' },
      { prefix: '/api', cluster: 'app' },
    ],
  }));
  const stub = startStub(t, dir, { args: ['-c', path, '--disable-hot-restart'] });
  const admin = await stub.admin();
  const url = await listenerUrl(admin);

  const up = await request(`${url}/api/x?q=1`, 'POST');
  t.equal(up.status, 201);
  t.equal(up.body, `POST /api/x?q=1 host=${url.slice('http://'.length)}`);
  t.equal(up.headers['x-from'], 'upstream');
  t.equal(up.headers.server, 'envoy');
  t.match(up.headers['x-envoy-upstream-service-time'], /^\d+$/);

  const direct = await request(`${url}/direct`);
  t.same([direct.status, direct.body, direct.headers['content-type']], [418, 'teapot', 'text/plain']);
  t.same([(await request(`${url}/nobody`)).status], [204]);
  t.equal((await request(`${url}/direct/more`)).status, 404, 'path matches exactly');
  const none = await request(`${url}/other`);
  t.same([none.status, none.body], [404, '']);

  const refused = await request(`${url}/dead`);
  t.equal(refused.status, 503);
  t.match(refused.body, /^upstream connect error or disconnect\/reset before headers\. reset reason: remote connection failure/);
  const empty = await request(`${url}/empty`);
  t.same([empty.status, empty.body], [503, 'no healthy upstream']);

  t.equal(await stat(admin, 'cluster.app.upstream_rq_total'), 1);
  t.equal(await stat(admin, 'cluster.dead.upstream_cx_connect_fail'), 1);
  t.match((await request(`${admin}/clusters`)).body, new RegExp(`^app::127\\.0\\.0\\.1:${port}::health_flags::healthy$`, 'm'));
});

t.test('virtual hosts are chosen by Host header with Envoy\'s precedence', async (t) => {
  const dir = t.testdir();
  const b = bootstrap() as { static_resources: { listeners: { filter_chains: { filters: { typed_config: { route_config: unknown } }[] }[] }[] } };
  const vh = (name: string, domains: string[]) => ({ name, domains, routes: [{ match: { prefix: '/' }, direct_response: { status: 200, body: { inline_string: name } } }] });
  b.static_resources.listeners[0]!.filter_chains[0]!.filters[0]!.typed_config.route_config = {
    name: 'r',
    virtual_hosts: [vh('any', ['*']), vh('suffix', ['*.example.com']), vh('prefix', ['api.*']), vh('exact', ['www.example.com'])],
  };
  const stub = startStub(t, dir, { args: ['-c', writeBootstrap(dir, b), '--disable-hot-restart'] });
  const url = await listenerUrl(await stub.admin());
  const host = async (h: string) => (await request(`${url}/`, 'GET', { host: h })).body;
  t.equal(await host('www.example.com'), 'exact');
  t.equal(await host('shop.example.com'), 'suffix');
  t.equal(await host('api.other.org'), 'prefix');
  t.equal(await host('else.org'), 'any');
});

t.test('listener.<addr>.downstream_cx_active counts real open connections', async (t) => {
  const dir = t.testdir();
  const stub = startStub(t, dir, { args: ['-c', writeBootstrap(dir, bootstrap()), '--disable-hot-restart'] });
  const admin = await stub.admin();
  const url = new URL(await listenerUrl(admin));
  const name = `listener.127.0.0.1_${url.port}.downstream_cx_active`;
  t.equal(await stat(admin, name), 0);
  const sockets = await Promise.all([1, 2, 3].map(() => new Promise<net.Socket>((resolve) => {
    const s = net.connect(Number(url.port), url.hostname, () => resolve(s));
  })));
  t.teardown(() => sockets.forEach((s) => s.destroy()));
  await waitFor('3 active connections', async () => (await stat(admin, name)) === 3);
  t.equal(await stat(admin, 'http.ingress_http.downstream_cx_active'), 3);
  await waitFor('server.total_connections', async () => (await stat(admin, 'server.total_connections')) === 3);
  sockets[0]!.destroy();
  await waitFor('2 active connections', async () => (await stat(admin, name)) === 2);
  t.equal(await stat(admin, `listener.127.0.0.1_${url.port}.downstream_cx_total`), 3);
});

t.test('a fixed listener port that is taken fails initialization with exit 1', async (t) => {
  const dir = t.testdir();
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.teardown(() => blocker.close());
  const port = (blocker.address() as net.AddressInfo).port;
  const stub = startStub(t, dir, { args: ['-c', writeBootstrap(dir, bootstrap({ listenerPort: port })), '--disable-hot-restart'] });
  t.equal((await stub.exited).code, 1);
  t.match(stub.stderr(), new RegExp(`cannot bind '127\\.0\\.0\\.1:${port}': Address already in use\\n$`));
});
