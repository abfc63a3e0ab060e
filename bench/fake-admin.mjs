// A fake envoy admin that is LIVE from the start, in a process of its own, started before the clock runs:
// with bench/fake-envoy as the envoy binary, what the agent's start-up is measured against excludes any
// envoy start-up (the stub's own Node start alone is ~100 ms). It answers what the agent asks on the way
// to ready: /server_info (LIVE, epoch 0), /stats (config received, LIVE, workers started), and a small
// /stats/prometheus.
//   node bench/fake-admin.mjs <port>     (says 'listening' over IPC)
import { createServer } from 'node:http';

const stats = ['cluster_manager.cds.update_success: 1', 'listener_manager.lds.update_success: 1', 'server.state: 0', 'listener_manager.workers_started: 1', ''].join('\n');
const serverInfo = JSON.stringify({ state: 'LIVE', command_line_options: { restart_epoch: 0 } });
const prometheus = '# TYPE envoy_server_live gauge\nenvoy_server_live{} 1\n';

const server = createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/server_info') return res.writeHead(200, { 'content-type': 'application/json' }).end(serverInfo);
  if (path === '/stats/prometheus') return res.writeHead(200, { 'content-type': 'text/plain' }).end(prometheus);
  if (path === '/stats') return res.writeHead(200, { 'content-type': 'text/plain' }).end(stats);
  if (path === '/ready') return res.writeHead(200).end('LIVE\n');
  res.writeHead(200).end('OK\n');
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('listening'));
process.on('disconnect', () => process.exit(0)); // the benchmark went away: so does this
