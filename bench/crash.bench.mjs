// Envoy crash → ready again. No baseline is measured: the configured first back-off (ENVOY_RESTART_BACKOFF)
// is a constant, shown as "target (constant)"; what the agent adds beyond it includes the stub's own restart.
import { get, median, startAgent, until } from './lib.mjs';

const backoffMs = 200;
const rounds = 5;

async function once() {
  const a = await startAgent({ env: { ENVOY_STUB_CRASH_AFTER_MS: '1500', ENVOY_STUB_CRASH_FIRST_STARTS: '1', ENVOY_RESTART_BACKOFF: `${backoffMs}ms` } });
  try {
    await a.ready(2);
    await until(async () => (await get(a.ports.status, '/healthz/ready')) !== 200, 30_000, 1);
    const down = performance.now();
    await a.ready(1);
    return performance.now() - down;
  } finally {
    await a.cleanup();
  }
}

export default async function run() {
  const xs = [];
  for (let i = 0; i < rounds; i++) xs.push(await once());
  const ms = median(xs);
  return [{ name: 'envoy crash → ready again', value: Math.round(ms), unit: 'ms', baseline: backoffMs, constant: true, baselineName: 'configured first back-off', ratio: Number((ms / backoffMs).toPrecision(3)), target: 'reported', met: true, samples: xs.map(Math.round) }];
}
