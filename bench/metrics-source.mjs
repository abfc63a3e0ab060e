// An application's /metrics of a given size (Prometheus text), served from this process, and a scrape
// that reads a whole answer.
import { createServer, request } from 'node:http';

export function metricsBody(mb) {
  const lines = [];
  let size = 0;
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const line = `app_bench_metric_total{series="${i}",pod="bench-0",namespace="bench"} ${i}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(`# TYPE app_bench_metric_total counter\n${lines.join('')}`);
}

/** Serves `payload` on every path; `annotations` is the ISTIO_PROMETHEUS_ANNOTATIONS value pointing at it. */
export async function startMetricsSource(payload) {
  const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(payload));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    port,
    annotations: JSON.stringify({ port: String(port), path: '/metrics' }),
    close: () => new Promise((r) => server.close(r)),
  };
}

/** GET a whole answer; resolves with the time it took and the bytes read. */
export function scrape(port, path) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length)).on('end', () => resolve({ ms: performance.now() - t0, bytes })).on('error', reject);
    }).on('error', reject).end();
  });
}
