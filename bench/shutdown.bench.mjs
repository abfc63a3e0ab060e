// SIGTERM → exit, minus drainDuration: what the agent adds to a shutdown beyond the drain it was told to
// keep. Baseline in the same run: a bare node process (same environment) that waits the same drain on
// SIGTERM and exits. One warm-up of each, then alternating rounds.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { alternate } from './rounds.mjs';
import { benchEnv, freePort, median, startAgent } from './lib.mjs';

const drainMs = 1000;
const rounds = 5;

async function agentOverhead() {
  const agent = await startAgent({ drain: '1s', parentShutdown: '3s' });
  try {
    await agent.ready();
    const t0 = performance.now();
    agent.proc.kill('SIGTERM');
    await agent.exited;
    return performance.now() - t0 - drainMs;
  } finally {
    await agent.cleanup();
  }
}

async function baselineOverhead() {
  const script = `process.on('SIGTERM', () => setTimeout(() => process.exit(0), ${drainMs})); setInterval(() => {}, 1e6); process.send('up');`;
  const dir = mkdtempSync(`${tmpdir()}/pilot-agent-bench-drain-`);
  const env = benchEnv(dir, { envoyStatus: await freePort(), envoyPrometheus: await freePort() });
  const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env });
  await new Promise((resolve) => proc.once('message', resolve));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const t0 = performance.now();
  proc.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
  return performance.now() - t0 - drainMs;
}

export default async function run() {
  const { agent, bare: base } = await alternate(rounds, { bare: baselineOverhead, agent: agentOverhead });
  const a = median(agent);
  const b = median(base);
  return [{
    name: 'SIGTERM → exit minus drainDuration',
    value: Number(a.toFixed(1)),
    unit: 'ms',
    baseline: Number(b.toFixed(1)),
    baselineName: 'bare node process draining the same time',
    ratio: Number((Math.max(a, 0.1) / Math.max(b, 0.1)).toPrecision(3)),
    target: '≤ 100 ms',
    met: a <= 100,
    samples: agent.map((v) => Number(v.toFixed(1))),
  }];
}
