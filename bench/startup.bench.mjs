// Spawn → first 200 on /healthz/ready, and RSS once ready: the agent (with the stub envoy ready at once)
// against spawning a bare node:http server that answers 200, in the same run.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort, get, median, startAgent, until } from './lib.mjs';

const rounds = 5;
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

async function bare() {
  const port = await freePort();
  const t0 = performance.now();
  const p = spawn(process.execPath, ['-e', `require('http').createServer((q,s)=>s.end()).listen(${port})`], { stdio: 'ignore' });
  await until(async () => (await get(port, '/healthz/ready')) === 200, 30_000, 2);
  const ms = performance.now() - t0;
  const rss = rssKb(p.pid);
  p.kill('SIGKILL');
  return { ms, rss };
}

async function agent() {
  const t0 = performance.now();
  const a = await startAgent();
  try {
    await a.ready(2);
    return { ms: performance.now() - t0, rss: rssKb(a.proc.pid) };
  } finally {
    await a.cleanup();
  }
}

export default async function run() {
  const ours = [];
  const base = [];
  for (let i = 0; i < rounds; i++) {
    base.push(await bare());
    ours.push(await agent());
  }
  const ms = median(ours.map((x) => x.ms));
  const bms = median(base.map((x) => x.ms));
  const rss = median(ours.map((x) => x.rss)) / 1024;
  const brss = median(base.map((x) => x.rss)) / 1024;
  return [
    { name: 'spawn → first 200 on /healthz/ready (stub envoy LIVE at once)', value: Math.round(ms), unit: 'ms', baseline: Math.round(bms), baselineName: 'spawn a bare node:http server → 200', ratio: Number((ms / bms).toFixed(2)), target: '≤ 2×', met: ms / bms <= 2 },
    { name: 'agent RSS once ready (envoy not included)', value: Number(rss.toFixed(1)), unit: 'MiB', baseline: Number(brss.toFixed(1)), baselineName: 'bare node:http server', ratio: Number((rss / brss).toFixed(2)), target: '≤ 1.5×', met: rss / brss <= 1.5 },
  ];
}
