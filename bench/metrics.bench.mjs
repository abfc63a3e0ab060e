// GET /stats/prometheus when a source returns a 5 MB body: the agent's merged, streamed scrape against a
// plain pass-through proxy of the same body, same run. The big body comes from the application source
// (ISTIO_PROMETHEUS_ANNOTATIONS), which goes through the same streaming relay as envoy's stats.
// Memory: the agent's peak RSS growth with a 1 MB and a 5 MB body should be about the same (flat).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { freePort, get, median, startAgent, until } from './lib.mjs';

const rounds = 25; // a 5 MB scrape takes ~20 ms; many rounds steady the medians on a noisy machine
const hwmKb = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

function body(mb) {
  const lines = [];
  let size = 0;
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const line = `app_bench_metric_total{series="${i}",pod="bench-0",namespace="bench"} ${i}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(`# TYPE app_bench_metric_total counter\n${lines.join('')}`);
}

async function appServer(payload) {
  const srv = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(payload));
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}

function scrape(port, path) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length)).on('end', () => resolve({ ms: performance.now() - t0, bytes }));
    }).on('error', reject).end();
  });
}

async function passThrough(appPort) {
  const port = await freePort();
  const script = `require('http').createServer((q,s)=>require('http').get({host:'127.0.0.1',port:${appPort},path:'/metrics'},(u)=>{s.writeHead(200);u.pipe(s)})).listen(${port});`;
  const proc = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  await until(async () => (await get(port, '/')) === 200);
  return { proc, port };
}

async function measure(mb) {
  const app = await appServer(body(mb));
  const appPort = app.address().port;
  const proxy = await passThrough(appPort);
  const agent = await startAgent({ env: { ISTIO_PROMETHEUS_ANNOTATIONS: JSON.stringify({ port: String(appPort), path: '/metrics' }) } });
  try {
    await agent.ready();
    await scrape(agent.ports.status, '/stats/prometheus');
    await scrape(proxy.port, '/metrics');
    const agentBefore = hwmKb(agent.proc.pid);
    const proxyBefore = hwmKb(proxy.proc.pid);
    const a = [];
    const p = [];
    for (let i = 0; i < rounds; i++) {
      p.push((await scrape(proxy.port, '/metrics')).ms);
      a.push((await scrape(agent.ports.status, '/stats/prometheus')).ms);
    }
    return {
      agentMs: median(a),
      proxyMs: median(p),
      agentGrowthMb: (hwmKb(agent.proc.pid) - agentBefore) / 1024,
      proxyGrowthMb: (hwmKb(proxy.proc.pid) - proxyBefore) / 1024,
    };
  } finally {
    await agent.cleanup();
    proxy.proc.kill('SIGKILL');
    await new Promise((r) => app.close(r));
  }
}

export default async function run() {
  const small = await measure(1);
  const big = await measure(5);
  return [
    { name: '/stats/prometheus latency with a 5 MB source', value: Number(big.agentMs.toFixed(1)), unit: 'ms', baseline: Number(big.proxyMs.toFixed(1)), baselineName: 'plain pass-through proxy', ratio: Number((big.agentMs / big.proxyMs).toFixed(2)), target: '≤ 1.3×', met: big.agentMs / big.proxyMs <= 1.3 },
    { name: 'agent peak RSS growth while scraping 5 MB (1 MB: ' + small.agentGrowthMb.toFixed(1) + ' MiB)', value: Number(big.agentGrowthMb.toFixed(1)), unit: 'MiB', baseline: Number(big.proxyGrowthMb.toFixed(1)), baselineName: 'pass-through proxy growth', ratio: Number((Math.max(big.agentGrowthMb, 0.1) / Math.max(big.proxyGrowthMb, 0.1)).toFixed(2)), target: 'flat in body size', met: big.agentGrowthMb - small.agentGrowthMb < 4 },
  ];
}
