// GET /healthz/ready with keep-alive and 32 connections: the agent (asking envoy's admin, single-flight)
// against a bare node:http server answering 200, measured in the same run.
import { createServer } from 'node:http';
import autocannon from 'autocannon';
import { startAgent } from './lib.mjs';

const seconds = 5;

function load(port, path) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 32, duration: seconds, pipelining: 1 }, (err, r) => (err ? reject(err) : resolve(r)));
  });
}

export default async function run() {
  const bare = createServer((req, res) => res.writeHead(200, { 'content-length': 0 }).end());
  await new Promise((r) => bare.listen(0, '127.0.0.1', r));
  const baseline = await load(bare.address().port, '/healthz/ready');
  await new Promise((r) => bare.close(r));

  const agent = await startAgent();
  try {
    await agent.ready();
    const r = await load(agent.ports.status, '/healthz/ready');
    const ok = r['2xx'] / Math.max(1, r.requests.total);
    return [
      {
        name: '/healthz/ready throughput (keep-alive, 32 connections)',
        value: Math.round(r.requests.average),
        unit: 'req/s',
        baseline: Math.round(baseline.requests.average),
        baselineName: 'bare node:http answering 200',
        ratio: Number((r.requests.average / baseline.requests.average).toFixed(2)),
        target: '≥ 0.7×',
        met: r.requests.average / baseline.requests.average >= 0.7,
        note: `${(ok * 100).toFixed(1)} % answered 200`,
      },
      {
        name: '/healthz/ready p99 latency',
        value: r.latency.p99,
        unit: 'ms',
        baseline: baseline.latency.p99,
        baselineName: 'bare node:http answering 200',
        ratio: Number((Math.max(r.latency.p99, 0.1) / Math.max(baseline.latency.p99, 0.1)).toFixed(2)),
        target: 'reported',
        met: true,
      },
    ];
  } finally {
    await agent.cleanup();
  }
}
