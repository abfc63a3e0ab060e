// Peak RSS (VmHWM) over the first minute of life under a kubelet's and a Prometheus's attention: a readiness
// probe every second and a 5 MB scrape every 15 s (the 5 MB come from the application source,
// ISTIO_PROMETHEUS_ANNOTATIONS). The agent (fake envoy, admin LIVE at once) against a bare node:http server
// given the same environment, the same probes and the same scrapes (it streams the same source through), both
// running side by side over the same minute. BENCH_PEAK_SECONDS shortens the minute for a quick run.
import { memoryKb } from './proc.mjs';
import { metricsBody, scrape, startMetricsSource } from './metrics-source.mjs';
import { get, ratio, round1, startAgent, startBare, startFakeAdmin } from './lib.mjs';

const seconds = Number(process.env.BENCH_PEAK_SECONDS ?? 60);
const scrapeEverySeconds = 15;
const probeEveryMs = 1000;

/** From its spawn: a probe every second, a scrape every 15 s, then VmHWM and RSS at `seconds`. */
async function attend(p, port) {
  const at = (ms) => new Promise((r) => setTimeout(r, Math.max(0, p.spawnedAt + ms - performance.now())));
  const probes = [];
  for (let ms = probeEveryMs; ms <= seconds * 1000; ms += probeEveryMs) probes.push(at(ms).then(() => get(port, '/healthz/ready')));
  const scrapes = [];
  for (let s = scrapeEverySeconds; s <= seconds; s += scrapeEverySeconds) scrapes.push(at(s * 1000).then(() => scrape(port, '/stats/prometheus')));
  const answers = await Promise.all(probes);
  const bytes = (await Promise.all(scrapes)).map((x) => x.bytes);
  await at(seconds * 1000);
  return { ...memoryKb(p.proc.pid), ready: answers.filter((s) => s === 200).length, probes: answers.length, bytes };
}

export default async function run() {
  const source = await startMetricsSource(metricsBody(5));
  const fakeAdmin = await startFakeAdmin();
  const env = { ISTIO_PROMETHEUS_ANNOTATIONS: source.annotations };
  const agent = await startAgent({ fakeAdmin, env });
  const bare = await startBare({ env });
  try {
    const [a, b] = await Promise.all([attend(agent, agent.ports.status), attend(bare, bare.port)]);
    if (a.bytes.some((n) => n < 5 * 1024 * 1024)) throw new Error(`an agent scrape missed the 5 MB source: ${a.bytes.join(', ')} bytes`);
    const hwm = a.hwm / 1024;
    const bhwm = b.hwm / 1024;
    return [{
      name: `peak RSS (VmHWM) over the first ${seconds} s: probe every 1 s, 5 MB scrape every ${scrapeEverySeconds} s (${a.bytes.length} scrapes; RSS at the end ${round1(a.rss / 1024)} vs ${round1(b.rss / 1024)} MiB)`,
      value: round1(hwm), unit: 'MiB', baseline: round1(bhwm), baselineName: 'bare node:http server, same env, probes and scrapes (streams the source)',
      ratio: ratio(hwm, bhwm), target: '≤ 1.5×', met: hwm / bhwm <= 1.5,
      note: `agent answered ${a.ready}/${a.probes} probes 200, the bare server ${b.ready}/${b.probes}`,
    }];
  } finally {
    await agent.cleanup();
    await bare.cleanup();
    await fakeAdmin.close();
    await source.close();
  }
}
