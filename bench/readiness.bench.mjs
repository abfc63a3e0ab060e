// GET /healthz/ready with keep-alive and 32 connections (autocannon, in this process): the agent (asking its
// envoy's admin, single-flight, verdicts cached 200 ms; the envoy is the fake one, LIVE at once) against a
// bare node:http server answering 200. Each server runs in a process of its own with the same environment,
// both are warmed up, the order alternates over the rounds, and the CPU each server process used per
// request (/proc/<pid>/stat) is reported next to req/s.
import autocannon from 'autocannon';
import { cpuMs } from './proc.mjs';
import { alternate } from './rounds.mjs';
import { median, ratio, startAgent, startBare, startFakeAdmin } from './lib.mjs';

const rounds = Number(process.env.BENCH_READINESS_ROUNDS ?? 4);
const seconds = Number(process.env.BENCH_READINESS_SECONDS ?? 4);
const warmUpSeconds = 2;

function load(port, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}/healthz/ready`, connections: 32, duration, pipelining: 1 }, (err, r) => (err ? reject(err) : resolve(r)));
  });
}

/** One load phase against `port`, with the server's CPU time over it. */
async function phase(pid, port, duration) {
  const cpu0 = cpuMs(pid);
  const r = await load(port, duration);
  const cpu = cpuMs(pid) - cpu0;
  return { rps: r.requests.average, p99: r.latency.p99, total: r.requests.total, ok: r['2xx'], cpuUsPerReq: (cpu * 1000) / Math.max(1, r.requests.total) };
}

export default async function run() {
  const fakeAdmin = await startFakeAdmin();
  const agent = await startAgent({ fakeAdmin });
  const bare = await startBare();
  try {
    await Promise.all([agent.ready(), bare.ready()]);
    const r = await alternate(rounds, {
      bare: (round) => phase(bare.proc.pid, bare.port, round < 0 ? warmUpSeconds : seconds),
      agent: (round) => phase(agent.proc.pid, agent.ports.status, round < 0 ? warmUpSeconds : seconds),
    });
    const m = (side, key) => median(r[side].map((x) => x[key]));
    const okShare = r.agent.reduce((s, x) => s + x.ok, 0) / Math.max(1, r.agent.reduce((s, x) => s + x.total, 0));
    const baselineName = 'bare node:http server answering 200, own process, same env';
    const how = `keep-alive, 32 connections, median of ${rounds} alternating ${seconds} s rounds after a warm-up`;
    return [
      {
        name: `/healthz/ready throughput (${how})`,
        value: Math.round(m('agent', 'rps')), unit: 'req/s', baseline: Math.round(m('bare', 'rps')), baselineName,
        ratio: ratio(m('agent', 'rps'), m('bare', 'rps')), target: '≥ 0.9×', met: m('agent', 'rps') / m('bare', 'rps') >= 0.9,
        note: `${(okShare * 100).toFixed(1)} % answered 200`,
        samples: r.agent.map((x) => Math.round(x.rps)), baselineSamples: r.bare.map((x) => Math.round(x.rps)),
      },
      {
        name: '/healthz/ready CPU per request (server process, user + sys)',
        value: Number(m('agent', 'cpuUsPerReq').toFixed(1)), unit: 'µs', baseline: Number(m('bare', 'cpuUsPerReq').toFixed(1)), baselineName,
        ratio: ratio(m('agent', 'cpuUsPerReq'), m('bare', 'cpuUsPerReq')), target: 'reported', met: true,
      },
      {
        name: '/healthz/ready p99 latency',
        value: m('agent', 'p99'), unit: 'ms', baseline: m('bare', 'p99'), baselineName,
        ratio: ratio(Math.max(m('agent', 'p99'), 0.1), Math.max(m('bare', 'p99'), 0.1)), target: 'reported', met: true,
      },
    ];
  } finally {
    await agent.cleanup();
    await bare.cleanup();
    await fakeAdmin.close();
  }
}
