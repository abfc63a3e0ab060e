// Certificate delivery on real Envoy 1.40, SDS against hot restart, side by side: two agents (one per
// --certDelivery), each with its envoy and a TLS listener on the certificates in its --certDir (over SDS secret
// `default`, or from the files, as istiod 1.5 sent either kind of proxy). Each round swaps ..data to the other
// set and measures, per mode:
// - swap → the first new TLS connection that presents the new certificate (polled every 5 ms);
// - the agent's peak RSS and envoy's (every envoy process of the agent, summed: a hot restart runs two) from the
//   swap until the old epoch is gone (restart) or the same 4 s window (sds), sampled every 10 ms;
// - requests failed and connections closed by envoy on two keep-alive HTTPS clients sending all along.
// Rounds alternate which mode rotates first. The debounce (FILE_DEBOUNCE_DURATION, 100 ms) is part of both.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { memoryKb } from './proc.mjs';
import { alternate } from './rounds.mjs';
import { freePort, median, root, round1, startAgent, until } from './lib.mjs';

const rounds = Number(process.env.BENCH_CERT_DELIVERY_ROUNDS ?? 5);
const windowMs = 4_000; // drain 2 s + parent shutdown 3 s: the old epoch has gone within it
const envoyBinary = process.env.ENVOY_BINARY || `${root}.envoy/bin/envoy`;
const { sdsTlsListener, seedNames, seedSnapshot, startXdsServer } = await import(`${root}tools/xds-server/dist/index.js`);
const fixture = (name) => readFileSync(`${root}test/fixtures/certs/${name}`, 'utf8');
const sets = ['a', 'b'].map((x) => ({ 'cert-chain.pem': fixture(`leaf-${x}.pem`), 'key.pem': fixture(`leaf-${x}.key`), 'root-cert.pem': fixture('root-ca.pem') }));
const serialOf = (set) => new X509Certificate(set['cert-chain.pem']).serialNumber.toLowerCase();

/** kubelet's AtomicWriter, as in cert-swap.bench.mjs. */
function swap(dir, files, n) {
  mkdirSync(`${dir}/..${n}`);
  for (const [name, body] of Object.entries(files)) writeFileSync(`${dir}/..${n}/${name}`, body);
  const previous = existsSync(`${dir}/..data`) ? readlinkSync(`${dir}/..data`) : undefined;
  symlinkSync(`..${n}`, `${dir}/..data_tmp`);
  renameSync(`${dir}/..data_tmp`, `${dir}/..data`);
  for (const name of Object.keys(files)) if (!existsSync(`${dir}/${name}`)) symlinkSync(`..data/${name}`, `${dir}/${name}`);
  if (previous) rmSync(`${dir}/${previous}`, { recursive: true, force: true });
}

/** The serial a new TLS connection presents (undefined while the listener does not answer). */
function presented(port) {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/', agent: false, rejectUnauthorized: false }, (res) => {
      const serial = res.socket.getPeerCertificate().serialNumber?.toLowerCase();
      res.resume();
      res.on('end', () => resolve(serial));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
  });
}

/** Two keep-alive clients sending all along: failed requests, and connections envoy closed under them. */
function keepSending(port) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 2, rejectUnauthorized: false });
  const tally = { requests: 0, failed: 0, closedByEnvoy: 0 };
  let on = true;
  const seen = new WeakSet();
  const one = () => new Promise((resolve) => {
    tally.requests += 1;
    const req = https.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      if (!seen.has(res.socket)) {
        seen.add(res.socket);
        res.socket.once('close', () => on && (tally.closedByEnvoy += 1));
      }
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : (tally.failed += 1, resolve())));
      res.on('error', () => (tally.failed += 1, resolve()));
    });
    req.on('error', () => (tally.failed += 1, resolve()));
  });
  const loops = [0, 1].map(async () => {
    while (on) await one();
  });
  return async () => {
    on = false;
    await Promise.all(loops);
    agent.destroy();
    return tally;
  };
}

/** Every envoy pid the agent started (from its log), for the RSS sum. */
function envoyPids(logFile) {
  return readFileSync(logFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.msg === 'envoy started').map((l) => l.envoyPid);
}

const rssKb = (pid) => {
  try {
    return memoryKb(pid).rss || 0; // a zombie has no VmRSS line
  } catch {
    return 0; // gone
  }
};

async function startMode(mode, work, xdsSnapshot) {
  const certDir = `${work}/${mode}/certs`;
  mkdirSync(certDir, { recursive: true });
  swap(certDir, sets[0], 0);
  const appPort = await freePort();
  const tlsPort = await freePort();
  const seed = seedSnapshot({ inboundPort: await freePort(), outboundPort: await freePort(), appPort, version: '1' });
  const files = mode === 'restart' ? { certChain: `${certDir}/cert-chain.pem`, key: `${certDir}/key.pem` } : undefined;
  const xds = await startXdsServer({ snapshot: { ...seed, listeners: [...seed.listeners, sdsTlsListener({ port: tlsPort, cluster: seedNames(appPort).outboundCluster, ...(files ? { files } : {}) })] } });
  xdsSnapshot.push(xds);
  const app = (await import('node:http')).createServer((_q, s) => s.end('ok\n'));
  await new Promise((r) => app.listen(appPort, '127.0.0.1', r));
  xdsSnapshot.push({ close: () => new Promise((r) => (app.closeAllConnections(), app.close(r))) });
  const agent = await startAgent({
    drain: '2s', parentShutdown: '3s',
    env: { ENVOY_HOT_RESTART_MIN_INTERVAL: '0s' },
    args: ['--binaryPath', envoyBinary, '--discoveryAddress', `127.0.0.1:${xds.port}`, '--certDir', certDir, '--certDelivery', mode],
  });
  await agent.ready();
  await until(async () => (await presented(tlsPort)) === serialOf(sets[0]), 30_000, 20);
  let n = 0;
  /** One rotation to the other set. */
  const rotate = async () => {
    n += 1;
    const set = sets[n % 2];
    const want = serialOf(set);
    const pids = () => envoyPids(agent.logFile);
    const before = { agent: rssKb(agent.proc.pid), envoy: pids().reduce((s, p) => s + rssKb(p), 0) };
    const peak = { agent: before.agent, envoy: before.envoy };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak.agent = Math.max(peak.agent, rssKb(agent.proc.pid));
        peak.envoy = Math.max(peak.envoy, pids().reduce((s, p) => s + rssKb(p), 0));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const stop = keepSending(tlsPort);
    const t0 = performance.now();
    swap(certDir, set, n);
    await until(async () => (await presented(tlsPort)) === want, 30_000, 5);
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, Math.max(0, windowMs - (performance.now() - t0))));
    const tally = await stop();
    sampling = false;
    await sampler;
    return { ms, before, peak, tally, epochs: pids().length };
  };
  return { agent, rotate };
}

export default async function run() {
  const work = mkdtempSync(`${tmpdir()}/pilot-agent-bench-delivery-`);
  const closers = [];
  const agents = [];
  try {
    const sds = await startMode('sds', work, closers);
    agents.push(sds.agent);
    const restart = await startMode('restart', work, closers);
    agents.push(restart.agent);
    const r = await alternate(rounds, { sds: sds.rotate, restart: restart.rotate }, { warmUp: true });
    const mib = (kb) => round1(kb / 1024);
    const summary = (xs) => ({
      ms: median(xs.map((x) => x.ms)),
      agentPeak: median(xs.map((x) => x.peak.agent)), agentBefore: median(xs.map((x) => x.before.agent)),
      envoyPeak: median(xs.map((x) => x.peak.envoy)), envoyBefore: median(xs.map((x) => x.before.envoy)),
      failed: xs.reduce((s, x) => s + x.tally.failed, 0), closed: xs.reduce((s, x) => s + x.tally.closedByEnvoy, 0),
      requests: xs.reduce((s, x) => s + x.tally.requests, 0),
    });
    const grpcLoad = readFileSync(sds.agent.logFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.msg === 'SDS service loaded')?.loadMs;
    const s = summary(r.sds);
    const h = summary(r.restart);
    return [
      {
        name: `rotation → new certificate on a new TLS connection, SDS push, median of ${rounds} (debounce 100 ms included)`,
        value: Math.round(s.ms), unit: 'ms', baseline: Math.round(h.ms), baselineName: 'hot restart (--certDelivery restart), same swap',
        ratio: Number((s.ms / h.ms).toPrecision(3)), target: '≤ debounce + 100 ms (200 ms)', met: s.ms <= 200,
        samples: r.sds.map((x) => Math.round(x.ms)), baselineSamples: r.restart.map((x) => Math.round(x.ms)),
      },
      {
        name: `envoy RSS peak during a rotation (every envoy process summed; before: SDS ${mib(s.envoyBefore)}, restart ${mib(h.envoyBefore)} MiB)`,
        value: mib(s.envoyPeak), unit: 'MiB', baseline: mib(h.envoyPeak), baselineName: 'hot restart: parent + child',
        ratio: Number((s.envoyPeak / h.envoyPeak).toPrecision(3)), target: 'reported', met: true,
      },
      {
        name: `agent RSS peak during a rotation (before: SDS ${mib(s.agentBefore)}, restart ${mib(h.agentBefore)} MiB; loading gRPC on envoy's first SDS connection took ${grpcLoad} ms)`,
        value: mib(s.agentPeak), unit: 'MiB', baseline: mib(h.agentPeak), baselineName: 'the agent in restart mode',
        ratio: Number((s.agentPeak / h.agentPeak).toPrecision(3)), target: 'reported', met: true,
      },
      {
        name: `connections closed by envoy under 2 keep-alive HTTPS clients, ${rounds} rotations (requests failed: SDS ${s.failed} of ${s.requests}, restart ${h.failed} of ${h.requests})`,
        value: s.closed, unit: 'connections', baseline: h.closed, baselineName: 'hot restart: the parent drains and closes them',
        ratio: Number((Math.max(s.closed, 0.1) / Math.max(h.closed, 0.1)).toFixed(2)), target: '0 with SDS', met: s.closed === 0 && s.failed === 0,
      },
    ];
  } finally {
    for (const a of agents) await a.cleanup();
    for (const c of closers) await c.close();
    rmSync(work, { recursive: true, force: true });
  }
}
