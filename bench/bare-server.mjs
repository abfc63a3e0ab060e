// The baseline: a bare node:http server in a process of its own, started the way the agent is (a script
// file, spawned by the same code with the same environment). It answers 200 to everything; given
// ISTIO_PROMETHEUS_ANNOTATIONS (the variable the agent reads), it streams that source on /stats/prometheus
// the plainest way, so a scrape costs it what a scrape costs at least. With --buffer it reads the whole source
// before answering instead: the control that shows a memory measurement can see a body's size.
//   node bench/bare-server.mjs <port> [--buffer]
import { createServer, get } from 'node:http';

const port = Number(process.argv[2]);
const buffer = process.argv[3] === '--buffer';
const annotations = process.env.ISTIO_PROMETHEUS_ANNOTATIONS;
const app = annotations ? JSON.parse(annotations) : undefined;

createServer((req, res) => {
  if (app && req.url === '/stats/prometheus') {
    get({ host: '127.0.0.1', port: Number(app.port), path: app.path ?? '/metrics' }, (upstream) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      if (!buffer) return upstream.pipe(res);
      const chunks = [];
      upstream.on('data', (c) => chunks.push(c)).on('end', () => res.end(Buffer.concat(chunks)));
    }).on('error', () => res.writeHead(502).end());
    return;
  }
  res.writeHead(200, { 'content-length': 0 }).end();
}).listen(port, '127.0.0.1');
