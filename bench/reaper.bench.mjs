// Wraps bench/reaper.mjs (1000 zombies reaped as PID 1: the whole agent vs Debian's tini in the same run,
// alternating which goes first).
import { spawn } from 'node:child_process';
import { root } from './lib.mjs';

export default async function run() {
  const out = await new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [`${root}bench/reaper.mjs`, '1000', '7'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', (c) => (text += c));
    p.stderr.on('data', (c) => (text += c));
    p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(text.trim().split('\n').at(-1) || `exit ${code}`))));
  });
  const median = (who) => Number(new RegExp(`^${who}\\s+reap \\d+ zombies as PID 1: median ([\\d.]+) ms`, 'm').exec(out)?.[1]);
  const ours = median('pilot-agent');
  const tini = median('tini');
  return [{
    name: 'reap 1000 orphaned zombies as PID 1, the whole agent (`proxy`, ready), median of 7 alternating',
    value: ours,
    unit: 'ms',
    baseline: tini,
    baselineName: "Debian's tini",
    ratio: Number((ours / tini).toPrecision(3)),
    target: '≤ 2×',
    met: ours / tini <= 2,
  }];
}
