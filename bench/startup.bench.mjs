// Spawn → first 200 on /healthz/ready, and RSS at that moment: the agent, with an envoy whose admin is LIVE
// before the agent starts (bench/fake-envoy + fake-admin.mjs: no envoy start-up is counted), against a bare
// node:http server (bench/bare-server.mjs) spawned by the same code with the same environment. Both are
// polled every 2 ms; one warm-up of each, then alternating rounds.
import { memoryKb } from './proc.mjs';
import { alternate } from './rounds.mjs';
import { median, ratio, round1, startAgent, startBare, startFakeAdmin } from './lib.mjs';

const rounds = Number(process.env.BENCH_STARTUP_ROUNDS ?? 7);

async function measure(start) {
  const p = await start();
  try {
    const readyAt = await p.ready(2);
    return { ms: readyAt - p.spawnedAt, rssKb: memoryKb(p.proc.pid).rss };
  } finally {
    await p.cleanup();
  }
}

export default async function run() {
  const fakeAdmin = await startFakeAdmin();
  try {
    const r = await alternate(rounds, {
      bare: () => measure(() => startBare()),
      agent: () => measure(() => startAgent({ fakeAdmin })),
    });
    const ms = median(r.agent.map((x) => x.ms));
    const bms = median(r.bare.map((x) => x.ms));
    const rss = median(r.agent.map((x) => x.rssKb)) / 1024;
    const brss = median(r.bare.map((x) => x.rssKb)) / 1024;
    const baselineName = 'bare node:http server, own process, same env';
    return [
      {
        name: `spawn → first 200 on /healthz/ready, envoy admin LIVE at once (fake), median of ${rounds}`,
        value: Math.round(ms), unit: 'ms', baseline: Math.round(bms), baselineName,
        ratio: ratio(ms, bms), target: '≤ 2.5×', met: ms / bms <= 2.5,
        samples: r.agent.map((x) => Math.round(x.ms)), baselineSamples: r.bare.map((x) => Math.round(x.ms)),
      },
      {
        name: 'RSS at first ready 200 (envoy not included)',
        value: round1(rss), unit: 'MiB', baseline: round1(brss), baselineName,
        ratio: ratio(rss, brss), target: '≤ 1.3×', met: rss / brss <= 1.3,
      },
    ];
  } finally {
    await fakeAdmin.close();
  }
}
