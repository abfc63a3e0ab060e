// The status port through bin/pilot-agent against the stub: readiness and its reasons, the admin
// queries it costs envoy, drain and quitquitquit from loopback only, and bad requests.
import { http } from '../helpers/node-http.js';
import { createServer as createNetServer, connect, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import t from 'tap';
import { startAgent } from '../helpers/running-agent.js';
import { waitFor } from '../helpers/net.js';
import { freshMs } from '../../src/status/readiness.js';

const { request } = http;

const statsQueries = (events: Record<string, unknown>[]): number =>
  events.filter((e) => e.event === 'admin' && String(e.path).startsWith('/stats?usedonly')).length;

t.test('readiness reports why envoy is not ready', async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  t.same(await agent.get('/healthz/ready', 'envoy'), { status: 200, body: '' }, 'ready through 15021');
  t.equal((await agent.post('/healthcheck/fail', 'admin')).status, 200);
  // server.state follows on envoy's next stats flush (5 s by default), as in Envoy.
  const r = await waitFor('readiness to turn 503 after the next stats flush', async () => {
    const answer = await agent.get('/healthz/ready');
    return answer.status !== 200 && answer;
  }, 60_000, 50);
  t.same(r, { status: 503, body: 'server is not live, current state is: DRAINING\n' });
  // Each change of the answer is logged once, as Istio's "Envoy proxy is NOT ready"; the NOT-ready line comes after
  // every line of the ready probes before it, so the count below is final.
  const notReady = await agent.waitForMsg('Envoy proxy is NOT ready: server is not live, current state is: DRAINING');
  t.equal(notReady.reason, 'server is not live, current state is: DRAINING', 'the reason is a field too');
  t.equal(agent.logs.filter((l) => l.msg === 'Envoy proxy is ready').length, 1, 'many ready answers, one line');
  agent.signal('SIGTERM');
  await agent.exited;
});

t.test('reports an admin API that does not answer', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_HANG_ADMIN: '1' } });
  await agent.waitForMsg('envoy started');
  const r = await agent.get('/healthz/ready');
  t.equal(r.status, 503);
  t.match(r.body, /^envoy admin unreachable: /);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('concurrent probes share one admin query', async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  await agent.get('/healthz/ready'); // the config check passes once and is remembered
  // A verdict stays fresh for freshMs after envoy answered: a burst in that time costs envoy nothing. So
  // burst until one finds it stale and has to ask (no timing decides: the queries counted do).
  for (let bursts = 1; ; bursts++) {
    const before = statsQueries(agent.events());
    const answers = await Promise.all(Array.from({ length: 50 }, () => agent.get('/healthz/ready')));
    t.ok(answers.every((a) => a.status === 200), `burst ${bursts}: every probe ready`);
    const used = statsQueries(agent.events()) - before;
    t.ok(used <= 10, `burst ${bursts}: 50 probes cost envoy ${used} admin queries (fresh for ${freshMs} ms, shared while asked)`);
    if (used >= 1) break;
  }
  agent.signal('SIGTERM');
  await agent.exited;
});

t.test('POST /drain drains and keeps running; the next SIGTERM stops at once', async (t) => {
  const agent = await startAgent(t, { drain: '30s', parentShutdown: '40s' });
  await agent.waitForMsg('envoy is LIVE');
  t.equal((await agent.get('/drain')).status, 405);
  t.same(await agent.post('/drain'), { status: 200, body: 'OK\n' });
  await agent.waitForMsg('draining envoy and holding; the next shutdown request stops it');
  // The drain request goes out beside that line: wait for envoy's answer, or the SIGTERM below may beat it.
  await agent.waitForMsg('envoy accepted the drain request');
  t.same(await agent.get('/healthz/ready'), { status: 503, body: 'draining\n' });
  agent.signal('SIGTERM');
  await agent.waitForMsg('second shutdown request: skipping the rest of the drain');
  t.equal((await agent.exited).code, 0);
  t.ok(agent.events().some((e) => e.event === 'admin' && e.path === '/drain_listeners?inboundonly&graceful&skip_exit'), 'envoy drained without exiting');
});

t.test('only loopback clients may stop or drain the agent', async (t) => {
  const external = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4');
  t.ok(external, 'this host has a non-loopback IPv4 address to test from');
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  for (const path of ['/quitquitquit', '/drain']) {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: external!.address, localAddress: external!.address, port: agent.ports.status, path, method: 'POST', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    t.same(r, { status: 403, body: 'Only requests from localhost are allowed\n' }, path);
  }
  t.equal((await agent.get('/healthz/ready')).status, 200, 'still running');
  t.equal((await agent.get('/nope')).status, 404);
  agent.signal('SIGTERM');
  await agent.exited;
});

t.test('oversized request headers are refused without a stack trace', async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy started');
  const r = await new Promise<string>((resolve) => {
    const socket = connect(agent.ports.status, '127.0.0.1', () => {
      socket.write(`GET /healthz/ready HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('utf8').on('data', (c: string) => (data += c)).on('close', () => resolve(data)).on('error', () => resolve(data));
  });
  t.match(r, /^HTTP\/1\.1 431 /);
  t.notMatch(r, /\n\s+at /);
  agent.signal('SIGTERM');
  await agent.exited;
});

t.test('a status port already in use exits 2 with one line before envoy starts', async (t) => {
  const blocker = createNetServer();
  await new Promise<void>((r) => blocker.listen(0, r));
  t.teardown(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as AddressInfo).port;
  const agent = await startAgent(t, { args: ['--statusPort', String(port)] });
  t.equal((await agent.exited).code, 2);
  t.equal(agent.stderr, `error: invalid value "${port}" for --statusPort: a free port; it is already in use\n`);
  t.same(agent.events(), [], 'envoy was never started');
});
