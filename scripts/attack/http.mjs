// HTTP abuse of the status server: clients that hang up at every stage, slow and oversized requests,
// garbage, floods; sources (envoy's admin, the application) that misbehave. After every case the same
// agent must be running, ready, and serve a full merged scrape.
import { http, raw } from './lib.mjs';
import { startAgent, startApp } from './agent.mjs';

const get = (path, extra = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

function clientCases() {
  const cases = [];
  for (const path of ['/stats/prometheus', '/metrics', '/healthz/ready', '/app-health/app/livez', '/app-health/app/readyz', '/nope']) {
    const req = get(path);
    // Hang up after sending k bytes of the request, and after receiving k bytes of the response.
    for (const k of [0, 1, 5, 16, req.length - 2]) cases.push([`${path}: client hangs up after sending ${k} bytes`, (port) => raw(port, [req.slice(0, k)], { closeAfterMs: 50 })]);
    for (const k of [1, 12, 100, 1000, 20_000]) cases.push([`${path}: client hangs up after receiving ${k} bytes`, (port) => raw(port, [req], { closeAfterBytes: k })]);
    cases.push([`${path}: client resets mid-response`, (port) => raw(port, [req], { closeAfterBytes: 200, reset: true })]);
    cases.push([`${path}: client resets at once`, (port) => raw(port, [req], { closeAfterMs: 1, reset: true })]);
  }
  cases.push(['scrape: 20 clients hang up at once mid-body', (port) => Promise.all(Array.from({ length: 20 }, (_, i) => raw(port, [get('/stats/prometheus')], { closeAfterBytes: 500 + i * 97 })))]);
  cases.push(['scrape: timeout header 0.001 s', (port) => http(port, '/stats/prometheus', { headers: { 'x-prometheus-scrape-timeout-seconds': '0.001' } })]);
  cases.push(['scrape: timeout header garbage', (port) => http(port, '/stats/prometheus', { headers: { 'x-prometheus-scrape-timeout-seconds': 'NaN' } })]);
  cases.push(['headers of 64 KiB', (port) => raw(port, [get('/healthz/ready', `X-Big: ${'a'.repeat(64 * 1024)}\r\n`)])]);
  cases.push(['1000 headers', (port) => raw(port, [get('/healthz/ready', Array.from({ length: 1000 }, (_, i) => `X-${i}: v\r\n`).join(''))])]);
  cases.push(['garbage request line', (port) => raw(port, ['\x00\x01\x02 GARBAGE\r\n\r\n'])]);
  cases.push(['TLS client hello to plain HTTP', (port) => raw(port, [Buffer.from('160301020001000200', 'hex')])]);
  cases.push(['HTTP/0.9 request', (port) => raw(port, ['GET /healthz/ready\r\n'])]);
  cases.push(['HTTP/2 preface', (port) => raw(port, ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'])]);
  cases.push(['both content-length and chunked', (port) => raw(port, ['POST /healthz/ready HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'])]);
  cases.push(['bad chunked body', (port) => raw(port, ['POST /healthz/ready HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'])]);
  cases.push(['8 MiB request body', (port) => raw(port, [`POST /healthz/ready HTTP/1.1\r\nHost: x\r\nContent-Length: ${8 << 20}\r\n\r\n`, Buffer.alloc(8 << 20, 97)], { closeAfterMs: 5_000 })]);
  cases.push(['body promised, never sent', (port) => raw(port, ['POST /healthz/ready HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc'], { closeAfterMs: 300 })]);
  cases.push(['100 pipelined requests', (port) => raw(port, [Array.from({ length: 100 }, () => get('/healthz/ready')).join('')], { closeAfterMs: 3_000 })]);
  cases.push(['100 pipelined scrapes, hang up early', (port) => raw(port, [Array.from({ length: 100 }, () => get('/stats/prometheus')).join('')], { closeAfterBytes: 50_000 })]);
  cases.push(['400 connections at once', (port) => Promise.all(Array.from({ length: 400 }, () => raw(port, [get('/healthz/ready')], { closeAfterMs: 3_000 })))]);
  cases.push(['absolute-form URL', (port) => raw(port, ['GET http://evil/healthz/ready HTTP/1.1\r\nHost: x\r\n\r\n'])]);
  cases.push(['path of 15 KiB', (port) => raw(port, [get(`/${'a'.repeat(15 * 1024)}`)])]);
  cases.push(['percent-encoded probe path', (port) => raw(port, [get('/app-health/%2e%2e/livez')])]);
  for (const m of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'FOO']) cases.push([`method ${m} on /stats/prometheus`, (port) => raw(port, [`${m} /stats/prometheus HTTP/1.1\r\nHost: x\r\n\r\n`])]);
  cases.push(['GET /quitquitquit (must be refused)', (port) => http(port, '/quitquitquit')]);
  cases.push(['GET /drain (must be refused)', (port) => http(port, '/drain')]);
  return cases;
}

const sourceModes = ['reset', 'close-before-headers', 'garbage', 'hang', 'mid-body', 'slow', 'huge', 'bad-status'];

export async function attackHttp(record) {
  const app = await startApp();
  const probers = JSON.stringify({
    '/app-health/app/livez': { httpGet: { port: app.port, path: '/probe' } },
    '/app-health/app/readyz': { tcpSocket: { port: app.port } },
  });
  const start = () => startAgent('http', { env: { ISTIO_KUBE_APP_PROBERS: probers, ISTIO_PROMETHEUS_ANNOTATIONS: JSON.stringify({ port: String(app.port), path: '/metrics' }) } });
  let agent = await start();
  // A case that breaks the agent is recorded, and the next case gets a fresh one: every case is counted.
  const judge = async (group, name, run) => {
    if (!(await agent.waitReady())) {
      await agent.dispose();
      agent = await start();
      if (!(await agent.waitReady())) return record(group, name, `agent never ready: ${agent.stderr.slice(-200)}`);
    }
    await run(agent.ports.status);
    const broken = await agent.healthy();
    record(group, name, broken ? `crash/hang: ${broken}` : 'held');
    if (broken) {
      await agent.dispose();
      agent = await start();
    }
  };
  try {
    for (const [name, run] of clientCases()) await judge('HTTP abuse (client side)', name, run);
    for (const mode of sourceModes) {
      app.mode = mode;
      const cases = [
        [`app metrics ${mode}: full scrape`, (port) => http(port, '/stats/prometheus', { timeoutMs: 20_000 })],
        [`app metrics ${mode}: client hangs up mid-body`, (port) => raw(port, [get('/stats/prometheus')], { closeAfterBytes: 3_000 })],
        [`app metrics ${mode}: client hangs up before the body`, (port) => raw(port, [get('/stats/prometheus')], { closeAfterMs: 30 })],
        [`app probe ${mode}: probe`, (port) => http(port, '/app-health/app/livez', { timeoutMs: 20_000 })],
        [`app probe ${mode}: client hangs up while probing`, (port) => raw(port, [get('/app-health/app/livez')], { closeAfterMs: 30 })],
        [`app probe ${mode}: 50 concurrent probes`, (port) => Promise.all(Array.from({ length: 50 }, (port) => http(port, '/app-health/app/livez', { timeoutMs: 20_000 })))],
      ];
      // The source misbehaves only during the abuse: the health check after it scrapes a well app.
      for (const [name, run] of cases) {
        await judge('HTTP abuse (source side)', name, async (port) => {
          app.mode = mode;
          await run(port);
          app.mode = 'ok';
        });
      }
    }
    // The slow clients, last: each must be cut off by the server, not by us.
    const port = agent.ports.status;
    const slow = await Promise.all([
      raw(port, ['GET /healthz/ready HTTP/1.1\r\n'], { closeAfterMs: 40_000 }),
      raw(port, Array.from({ length: 60 }, () => 'X'), { closeAfterMs: 40_000, gapMs: 500 }),
      raw(port, [], { closeAfterMs: 40_000 }),
    ]);
    slow.forEach((r, i) => record('HTTP abuse (client side)', ['slow headers (never finished)', 'slowloris (a byte every 0.5 s)', 'connect and say nothing'][i], r.why === 'closed by peer' || r.why === 'error' ? 'held' : `not cut off within 40 s (${r.why})`, r.got.split('\r\n')[0]));
    const broken = await agent.healthy();
    record('HTTP abuse (client side)', 'after the slow clients', broken ?? 'held');
    // A keep-alive connection left open must not hold shutdown.
    const idle = raw(port, [get('/healthz/ready')], { closeAfterMs: 60_000 });
    record('HTTP abuse (client side)', 'SIGTERM with an idle keep-alive connection open', await agent.stop(15_000));
    await idle;
  } finally {
    await agent.dispose();
    await app.close();
  }
}
