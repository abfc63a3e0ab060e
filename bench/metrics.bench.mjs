// GET /stats/prometheus when the application source (ISTIO_PROMETHEUS_ANNOTATIONS) returns 1 MB and 5 MB:
// the agent's merged, streamed scrape (fake envoy: its own stats are a few lines) against the bare server
// streaming the same source through (bench/bare-server.mjs), each in a process of its own, same environment.
// - latency: median of alternating rounds after a warm-up.
// - memory: before each measured scrape the process's peak is reset (/proc/<pid>/clear_refs), so VmHWM − RSS
//   after it is what that scrape needed. A control that buffers the whole body (bare-server --buffer) is
//   measured the same way: its growth with the body shows that the measurement can see growth, which makes
//   the agent's "flat in body size" a finding rather than a blind spot.
import { memoryKb, resetPeak } from './proc.mjs';
import { alternate } from './rounds.mjs';
import { metricsBody, scrape, startMetricsSource } from './metrics-source.mjs';
import { median, ratio, round1, startAgent, startBare, startFakeAdmin } from './lib.mjs';

const latencyRounds = Number(process.env.BENCH_METRICS_ROUNDS ?? 15);
const memoryRounds = 5;

/** Reset the peak, scrape once, return how far RSS rose above where it stood (MiB). */
async function scrapeGrowth(pid, port) {
  resetPeak(pid);
  const before = memoryKb(pid).rss;
  const { bytes } = await scrape(port, '/stats/prometheus');
  return { mib: (memoryKb(pid).hwm - before) / 1024, bytes };
}

async function measure(mb, fakeAdmin) {
  const source = await startMetricsSource(metricsBody(mb));
  const env = { ISTIO_PROMETHEUS_ANNOTATIONS: source.annotations };
  const agent = await startAgent({ fakeAdmin, env });
  const bare = await startBare({ env });
  const buffering = await startBare({ env, args: ['--buffer'] });
  try {
    await Promise.all([agent.ready(), bare.ready(), buffering.ready()]);
    // Memory first, while the processes have served only the warm-up scrape: pages many scrapes grew are not
    // yet there to be reused.
    const growth = await alternate(memoryRounds, {
      bare: () => scrapeGrowth(bare.proc.pid, bare.port),
      agent: () => scrapeGrowth(agent.proc.pid, agent.ports.status),
      buffering: () => scrapeGrowth(buffering.proc.pid, buffering.port),
    });
    const latency = await alternate(latencyRounds, {
      bare: async () => (await scrape(bare.port, '/stats/prometheus')).ms,
      agent: async () => (await scrape(agent.ports.status, '/stats/prometheus')).ms,
    });
    // The same again after those scrapes: a heap that has grown once reuses its pages.
    const warm = await alternate(memoryRounds, {
      bare: () => scrapeGrowth(bare.proc.pid, bare.port),
      agent: () => scrapeGrowth(agent.proc.pid, agent.ports.status),
    }, { warmUp: false });
    if (growth.agent.some((g) => g.bytes < mb * 1024 * 1024)) throw new Error(`an agent scrape missed the ${mb} MB source`);
    const mibOf = (side, of = growth) => median(of[side].map((g) => g.mib));
    return {
      agentMs: median(latency.agent), bareMs: median(latency.bare),
      agent: mibOf('agent'), bare: mibOf('bare'), buffering: mibOf('buffering'), agentWarm: mibOf('agent', warm), bareWarm: mibOf('bare', warm),
    };
  } finally {
    await agent.cleanup();
    await bare.cleanup();
    await buffering.cleanup();
    await source.close();
  }
}

export default async function run() {
  const fakeAdmin = await startFakeAdmin();
  try {
    const small = await measure(1, fakeAdmin);
    const big = await measure(5, fakeAdmin);
    const floor = (x) => Math.max(x, 0.1); // a growth below 0.1 MiB is counted as 0.1: no ratio of noise
    const bareName = 'bare node:http server streaming the source, own process, same env';
    return [
      {
        name: `/stats/prometheus latency with a 5 MB source, median of ${latencyRounds} alternating`,
        value: round1(big.agentMs), unit: 'ms', baseline: round1(big.bareMs), baselineName: bareName,
        ratio: ratio(big.agentMs, big.bareMs), target: '≤ 1.3×', met: big.agentMs / big.bareMs <= 1.3,
      },
      {
        name: `peak RSS growth of one 5 MB scrape (peak reset before it; median of ${memoryRounds} after one warm-up scrape; after ${latencyRounds + 1} more: ${round1(big.agentWarm)} vs ${round1(big.bareWarm)} MiB)`,
        value: round1(big.agent), unit: 'MiB', baseline: round1(big.bare), baselineName: bareName,
        ratio: ratio(floor(big.agent), floor(big.bare)), target: 'reported', met: true,
      },
      {
        name: `flat in body size: the agent's peak RSS growth of one scrape, 5 MB source (after ${latencyRounds + 1} more scrapes: ${round1(big.agentWarm)} vs ${round1(small.agentWarm)} MiB)`,
        value: round1(big.agent), unit: 'MiB', baseline: round1(small.agent), baselineName: 'the same, 1 MB source',
        ratio: ratio(floor(big.agent), floor(small.agent)), target: 'growth < 4 MiB more than at 1 MB (flat)', met: big.agent - small.agent < 4,
      },
      {
        name: 'control: a server that buffers the whole body, peak RSS growth of one scrape, 5 MB source',
        value: round1(big.buffering), unit: 'MiB', baseline: round1(small.buffering), baselineName: 'the same, 1 MB source',
        ratio: ratio(floor(big.buffering), floor(small.buffering)), target: '≥ 4 MiB more than at 1 MB (the measurement sees growth)', met: big.buffering - small.buffering >= 4,
      },
    ];
  } finally {
    await fakeAdmin.close();
  }
}
