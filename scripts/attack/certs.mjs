// Special, huge and hostile certificate files swapped in under a running agent. Each must be rejected
// with envoy left serving (no new epoch), and a valid rotation afterwards must still be applied.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { http, root, sleep } from './lib.mjs';
import { startAgent } from './agent.mjs';

const fixture = (name) => readFileSync(`${root}test/fixtures/certs/${name}`, 'utf8');
const set = (leaf) => ({ 'cert-chain.pem': fixture(`${leaf}.pem`), 'key.pem': fixture(`${leaf}.key`), 'root-cert.pem': fixture('root-ca.pem') });

const livenessMsg = 'hot restart complete: new epoch is LIVE';

/** Replace one file of the set by something hostile; returns a description. */
const hostile = {
  'symlink to /dev/zero': (p) => symlinkSync('/dev/zero', p),
  'symlink to /dev/urandom': (p) => symlinkSync('/dev/urandom', p),
  FIFO: (p) => execFileSync('mkfifo', [p]),
  'a directory': (p) => mkdirSync(p),
  '5 MiB of PEM-looking text': (p) => writeFileSync(p, `-----BEGIN CERTIFICATE-----\n${'QUFB'.repeat(1_400_000)}\n-----END CERTIFICATE-----\n`),
  '800 KB of BEGIN lines, no END': (p) => writeFileSync(p, '-----BEGIN CERTIFICATE-----\n'.repeat(Math.ceil(800_000 / 28))),
  'symlink loop': (p) => symlinkSync(p, p),
  'dangling symlink': (p) => symlinkSync('/nonexistent/x', p),
  'symlink to /proc/self/mem': (p) => symlinkSync('/proc/self/mem', p),
  garbage: (p) => writeFileSync(p, 'garbage\n'),
  'empty file': (p) => writeFileSync(p, ''),
  'three NUL bytes': (p) => writeFileSync(p, Buffer.from([0, 0, 0])),
};

export async function attackCerts(record) {
  const only = process.env.ATTACK_ONLY ? new RegExp(process.env.ATTACK_ONLY) : undefined;
  if (!only || only.test('rotation storm')) await rotationStorm(record);
  for (const [name, make] of Object.entries(hostile)) {
    if (only && !only.test(name)) continue;
    for (const file of name === 'FIFO' || name.startsWith('symlink to /dev') ? ['cert-chain.pem', 'key.pem'] : ['cert-chain.pem']) {
      await oneCase(record, `${file} becomes ${name}`, file, make);
    }
  }
}

async function oneCase(record, caseName, file, make) {
  // In-place files (not the ..data layout): the hostile thing replaces the user-visible name itself.
  const write = (certDir, files) => {
    mkdirSync(certDir, { recursive: true });
    for (const [n, body] of Object.entries(files)) {
      writeFileSync(`${certDir}/.tmp-${n}`, body);
      rmSync(`${certDir}/${n}`, { recursive: true, force: true });
      renameSync(`${certDir}/.tmp-${n}`, `${certDir}/${n}`);
    }
  };
  const agent = await startAgent('certs', { env: { FILE_DEBOUNCE_DURATION: '50ms', CERT_REHASH_INTERVAL: '1s' }, prepare: (dir) => write(`${dir}/certs`, set('leaf-a')) });
  const certDir = `${agent.dir}/certs`;
  try {
    if (!(await agent.waitReady())) return record('certificate files', caseName, `never ready: ${agent.stderr.slice(-200)}`);
    if (!(await until(() => agent.logs.some((l) => l.msg === 'certificates loaded'), 10_000))) return record('certificate files', caseName, 'set A never loaded');
    const epochsBefore = agent.logs.filter((l) => l.msg === livenessMsg).length;
    rmSync(`${certDir}/${file}`, { force: true });
    make(`${certDir}/${file}`);
    // The verdict must come as a log line; then the agent must still be whole.
    const judged = await until(() => agent.logs.some((l) => isWarning(l)), 15_000);
    const broken = await agent.healthy();
    const restarted = agent.logs.filter((l) => l.msg === livenessMsg).length !== epochsBefore;
    // A valid rotation afterwards must be applied.
    rmSync(`${certDir}/${file}`, { recursive: true, force: true });
    write(certDir, set('leaf-b'));
    const applied = await until(() => agent.logs.filter((l) => l.msg === livenessMsg).length > epochsBefore, 20_000);
    const stop = await agent.stop(15_000);
    const verdict = broken ? `crash/hang: ${broken}`
      : restarted ? 'hot-restarted on bad material'
        : !judged ? 'no rejection logged within 15 s'
          : !applied ? 'later valid rotation ignored'
            : stop !== 'held' ? stop : 'held';
    record('certificate files', caseName, verdict, verdict === 'held' ? agent.logs.filter((l) => isWarning(l)).map((l) => l.msg).at(-1) : agent.logs.slice(0, 40).map((l) => `${l.level}:${l.msg}`).join(' | '));
  } finally {
    await agent.dispose();
  }
}

async function until(check, boundMs) {
  const end = Date.now() + boundMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

const isWarning = (l) => ['warn', 'error', 'fatal'].includes(l.level) || l.level >= 40;

/**
 * A secret rewritten every 150 ms for 12 s (the storm that once gave 28 hot restarts in 20 s): hot restarts stay
 * within one per ENVOY_HOT_RESTART_MIN_INTERVAL (2 s) plus the one pending, readiness never leaves 200, and the
 * epoch LIVE at the end runs the last material written.
 */
async function rotationStorm(record) {
  const sets = [set('leaf-a'), set('leaf-b')];
  const write = (certDir, files) => {
    for (const [n, body] of Object.entries(files)) {
      writeFileSync(`${certDir}/.tmp-${n}`, body);
      renameSync(`${certDir}/.tmp-${n}`, `${certDir}/${n}`);
    }
  };
  const agent = await startAgent('storm', { env: { FILE_DEBOUNCE_DURATION: '50ms' }, prepare: (dir) => {
    mkdirSync(`${dir}/certs`);
    write(`${dir}/certs`, sets[0]);
  } });
  const name = 'rotation storm: a secret rewritten every 150 ms for 12 s';
  try {
    if (!(await agent.waitReady())) return record('certificate files', name, 'never ready');
    const certDir = `${agent.dir}/certs`;
    let notReady = 0;
    let probes = 0;
    let storming = true;
    const prober = (async () => {
      while (storming) {
        const r = await http(agent.ports.status, '/healthz/ready', { timeoutMs: 5_000 });
        probes++;
        if (r.status !== 200) notReady++;
        await sleep(20);
      }
    })();
    const stormStart = Date.now();
    let i = 0;
    while (Date.now() - stormStart < 12_000) {
      write(certDir, sets[++i % 2]);
      await sleep(150);
    }
    const stormSeconds = (Date.now() - stormStart) / 1000;
    const last = sets[i % 2];
    // The last write must end up served: wait for the agent to settle on it.
    const lastLeaf = new X509Certificate(last['cert-chain.pem']).fingerprint256;
    // Envoy reads the files when an epoch starts: some epoch must turn LIVE after the last change was accepted.
    const settled = await until(() => {
      const lastApplied = agent.logs.findLastIndex((l) => l.msg === 'certificates changed; hot-restarting envoy');
      return agent.logs[lastApplied]?.leaf?.fingerprint256 === lastLeaf && agent.logs.slice(lastApplied).some((l) => l.msg === livenessMsg);
    }, 20_000);
    storming = false;
    await prober;
    const restarts = agent.logs.filter((l) => l.msg === livenessMsg).length;
    const allowed = Math.ceil(stormSeconds / 2) + 2;
    const stop = await agent.stop(15_000);
    const verdict = !settled ? 'the last material was never served' : restarts > allowed ? `${restarts} hot restarts (at most ${allowed} allowed)` : notReady ? `${notReady} of ${probes} readiness probes not 200` : stop;
    record('certificate files', name, verdict, `${i} writes, ${restarts} hot restarts, ${probes} probes, ${notReady} not ready`);
  } finally {
    await agent.dispose();
  }
}
