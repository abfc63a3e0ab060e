// Rotation by hot restart (--certDelivery restart; SDS is cert-delivery.bench.mjs). Certificate rotation on real Envoy 1.40, beside cert-swap.bench.mjs (the stub): a kubelet-style `..data` swap →
// the new epoch LIVE (the agent's "hot restart complete" line), against the debounce the agent waits on purpose;
// and the requests that failed during 10 rotations while clients kept sending through envoy's inbound listener
// (kept-alive connections and a new connection per request), against the same clients for the same time without a
// rotation. Each rotation runs to its end (the parent envoy gone) before the next.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { freePort, get, median, root, startAgent, until } from './lib.mjs';
import { swap, sets } from './cert-volume.mjs';

const debounceMs = 100;
const rounds = 10;
const envoyBinary = process.env.ENVOY_BINARY || `${root}.envoy/bin/envoy`;
const { seedSnapshot, startXdsServer } = await import(`${root}tools/xds-server/dist/index.js`);

function agentLog(dir) {
  return readFileSync(`${dir}/agent.log`, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/** Clients through `port` until stopped, every request accounted: kept-alive and a new connection each. */
function load(port) {
  const tally = { sent: 0, failed: 0, failures: [] };
  let on = true;
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const one = (agent) =>
    new Promise((resolve) => {
      tally.sent += 1;
      const fail = (why) => (tally.failed += 1, tally.failures.length < 5 && tally.failures.push(why), resolve());
      const req = http.get({ host: '127.0.0.1', port, path: '/bench', agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('error', (e) => fail(e.message));
        res.on('end', () => (res.statusCode === 200 ? resolve() : fail(`status ${res.statusCode}`)));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => fail(e.code ?? e.message));
    });
  const loop = async (agent) => {
    while (on) {
      await one(agent);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const loops = [loop(keepAlive), loop(keepAlive), loop(false), loop(false)];
  return async () => {
    on = false;
    await Promise.all(loops);
    keepAlive.destroy();
    return tally;
  };
}

/** /healthz/ready on the status port until stopped; counts what was not 200. */
function readiness(port) {
  let on = true;
  const r = { probes: 0, bad: 0 };
  const loop = (async () => {
    while (on) {
      r.probes += 1;
      if ((await get(port, '/healthz/ready')) !== 200) r.bad += 1;
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  return async () => {
    on = false;
    await loop;
    return r;
  };
}

export default async function run() {
  const work = mkdtempSync(`${tmpdir()}/pilot-agent-bench-real-certs-`);
  const certDir = `${work}/certs`;
  mkdirSync(certDir);
  swap(certDir, sets[0], 0);
  const app = http.createServer((req, res) => res.end('ok\n'));
  app.on('clientError', (_e, s) => s.destroy());
  await new Promise((r) => app.listen(0, '127.0.0.1', r));
  const inboundPort = await freePort();
  const xds = await startXdsServer({ snapshot: seedSnapshot({ inboundPort, outboundPort: await freePort(), appPort: app.address().port, version: '1' }) });
  const agent = await startAgent({
    drain: '1s',
    parentShutdown: '2s',
    args: ['--binaryPath', envoyBinary, '--discoveryAddress', `127.0.0.1:${xds.port}`, '--certDir', certDir, '--certDelivery', 'restart'],
    env: { ENVOY_HOT_RESTART_MIN_INTERVAL: '0s' },
  });
  const baseId = (() => {
    const a = agent.proc.spawnargs;
    return Number(a[a.indexOf('--baseId') + 1]);
  })();
  // Every load loop started, so the finally below stops the ones a failure left running (one that did not kept a
  // failed `npm run bench` alive, sending forever).
  const running = new Set();
  const started = (stop) => {
    const once = () => (running.delete(once), stop());
    running.add(once);
    return once;
  };
  try {
    await agent.ready();
    await until(() => agentLog(agent.dir).some((l) => l.msg === 'certificates loaded'), 30_000);

    // The same clients and probes with no rotation, for as long as the rotations will take (measured below).
    const t0 = Date.now();
    const latencies = [];
    const stopLoad = started(load(inboundPort));
    const stopReady = started(readiness(agent.ports.status));
    for (let epoch = 1; epoch <= rounds; epoch++) {
      const swappedAt = Date.now();
      swap(certDir, sets[epoch % 2], epoch);
      await until(() => agentLog(agent.dir).filter((l) => l.msg === 'hot restart complete: new epoch is LIVE').length >= epoch, 60_000);
      const live = agentLog(agent.dir).filter((l) => l.msg === 'hot restart complete: new epoch is LIVE')[epoch - 1];
      latencies.push(Date.parse(live.time) - swappedAt);
      await until(() => agentLog(agent.dir).some((l) => l.msg === 'previous envoy epoch exited after hot restart' && l.epoch === epoch - 1), 60_000);
    }
    const during = await stopLoad();
    const ready = await stopReady();
    const windowMs = Date.now() - t0;

    const stopQuiet = started(load(inboundPort));
    const stopQuietReady = started(readiness(agent.ports.status));
    await new Promise((r) => setTimeout(r, windowMs));
    const quiet = await stopQuiet();
    const quietReady = await stopQuietReady();

    const latency = median(latencies);
    return [
      {
        name: `real Envoy: certificate swap (kubelet ..data rename) → new epoch LIVE, median of ${rounds}`,
        value: latency, unit: 'ms', baseline: debounceMs, baselineName: 'FILE_DEBOUNCE_DURATION, the wait the agent adds on purpose',
        constant: true,
        ratio: Number((latency / debounceMs).toFixed(2)), target: 'reported', met: true, samples: latencies,
      },
      {
        name: `real Envoy: failed requests during ${rounds} certificate rotations under load (${during.sent} requests, kept-alive and new connections${during.failures.length ? `; ${during.failures.join(', ')}` : ''})`,
        value: during.failed, unit: 'failed', baseline: quiet.failed, baselineName: `the same clients for as long without a rotation, ${quiet.sent} requests`,
        ratio: Number((Math.max(during.failed, 0.1) / Math.max(quiet.failed, 0.1)).toFixed(2)), target: '0', met: during.failed === 0,
      },
      {
        name: `real Envoy: readiness gaps during ${rounds} certificate rotations (${ready.probes} probes every 20 ms)`,
        value: ready.bad, unit: 'non-200 answers', baseline: quietReady.bad, baselineName: `the same probing without a rotation, ${quietReady.probes} probes`,
        ratio: Number((Math.max(ready.bad, 0.1) / Math.max(quietReady.bad, 0.1)).toFixed(2)), target: '0', met: ready.bad === 0,
      },
    ];
  } finally {
    for (const stop of [...running]) await Promise.resolve(stop()).catch(() => undefined);
    // SIGTERM: the agent drains and stops its envoy; then the lib's cleanup.
    agent.proc.kill('SIGTERM');
    await agent.exited;
    await agent.cleanup();
    await xds.close();
    app.closeAllConnections();
    app.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(`/dev/shm/envoy_shared_memory_${baseId * 10}`, { force: true }); // Envoy leaves it behind
  }
}
