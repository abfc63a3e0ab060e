#!/usr/bin/env node
// Benchmark: how long a PID 1 takes to reap 1000 zombies — the whole agent (`pilot-agent proxy`, every module
// it loads, ready on a fake envoy admin) vs Debian's tini, same run, same method, which goes first alternating
// each round after a warm-up of each. Needs root (unshare) and `tini` on PATH (apt-get install tini); build
// dist/ first.
//
// Method, identical for both inits: in a fresh pid namespace the init runs an observer process (bench/
// reaper-observer; for the agent it is the "envoy" binary, so it is the agent's child as it is tini's).
// Once the agent is ready the host SIGSTOPs the init and says go through a FIFO; the observer makes N orphans
// that die at once (they stay zombies: the init is stopped); when all N are zombies it notes the time and
// SIGCONTs the init (from inside the namespace SIGCONT still continues an init), which then gets its pending
// SIGCHLD and reaps. The observer polls the namespace's own /proc until the zombies are gone: that is the time.
//
//   node bench/reaper.mjs [zombies=1000] [rounds=5]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { baseId, benchEnv, freePort, get, median, root, startFakeAdmin, until } from './lib.mjs';
import { alternate } from './rounds.mjs';

const tag = 'reaper-bench:'; // the observer's lines share stdout with the agent's log

const pids = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n));
const isZombie = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return false;
  }
};

/** Inside the namespace, under either init: ready → (FIFO) go → result. */
function observe(n, fifo) {
  const baseline = pids().length;
  process.stdout.write(`${tag} ready\n`);
  readFileSync(fifo); // blocks until the host has written 'go' and closed its end
  // The init is stopped now. Double forks (the shell cannot reap them, the init must); each sleep
  // outlives its subshell, so exactly n become the init's zombies.
  spawnSync('sh', ['-c', `i=0; while [ $i -lt ${n} ]; do (sleep 0.05 &); i=$((i+1)); done`]);
  let zombies;
  do zombies = pids().filter(isZombie).length;
  while (zombies < n);
  const t0 = process.hrtime.bigint();
  process.kill(1, 'SIGCONT');
  while (pids().length > baseline) {
    // busy poll: readdir of the namespace's /proc is cheap and has no timer granularity
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(`${tag} ${JSON.stringify({ zombies, ms })}\n`);
  process.exit(0);
}

function findChild(ppid) {
  for (const pid of pids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) return Number(pid);
    } catch {
      // gone
    }
  }
  throw new Error(`no child of ${ppid}`);
}

/** One run in a fresh namespace; returns milliseconds from SIGCONT to no zombie left. */
async function measure(init, n, fakeAdmin) {
  const dir = mkdtempSync(`${tmpdir()}/pilot-agent-bench-reaper-`);
  const fifo = `${dir}/go`;
  spawnSync('mkfifo', [fifo]);
  const ports = { status: await freePort(), envoyStatus: await freePort(), envoyPrometheus: await freePort() };
  // One environment for both inits; the agent hands it on to its "envoy", the observer.
  const env = benchEnv(dir, ports, { REAPER_BENCH_NODE: process.execPath, REAPER_BENCH_ZOMBIES: String(n), REAPER_BENCH_FIFO: fifo });
  const observer = `${root}bench/reaper-observer`;
  const wrapper = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];
  const command = init === 'tini'
    ? [...wrapper, 'tini', '--', observer]
    : [...wrapper, process.execPath, `${root}bin/pilot-agent`, 'proxy', '--binaryPath', observer, '--configPath', `${dir}/proxy`,
      '--proxyAdminPort', String(fakeAdmin.port), '--statusPort', String(ports.status), '--discoveryAddress', '127.0.0.1:15010', '--baseId', baseId()];
  const proc = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], env });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const lines = (async function* () {
    for await (const line of createInterface({ input: proc.stdout })) if (line.startsWith(tag)) yield line.slice(tag.length).trim();
  })();
  try {
    if ((await lines.next()).value !== 'ready') throw new Error(`${init}: observer did not start`);
    if (init !== 'tini') await until(async () => (await get(ports.status, '/healthz/ready')) === 200);
    process.kill(findChild(proc.pid), 'SIGSTOP'); // the init, as the host sees it
    await writeFile(fifo, 'go\n');
    const result = JSON.parse((await lines.next()).value);
    if (result.zombies !== n) throw new Error(`${init}: bad run ${JSON.stringify(result)}`);
    return result.ms;
  } finally {
    proc.kill('SIGKILL'); // --kill-child: the init dies with unshare, and the namespace with its init
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(n, rounds) {
  if (spawnSync('tini', ['--version']).status !== 0) throw new Error('tini not found: apt-get install -y tini');
  const fakeAdmin = await startFakeAdmin();
  try {
    const times = await alternate(rounds, { tini: () => measure('tini', n, fakeAdmin), 'pilot-agent': () => measure('pilot-agent', n, fakeAdmin) });
    for (const [init, xs] of Object.entries(times)) {
      console.log(`${init.padEnd(12)} reap ${n} zombies as PID 1: median ${median(xs).toFixed(2)} ms, min ${Math.min(...xs).toFixed(2)} ms  (runs: ${xs.map((x) => x.toFixed(2)).join(', ')})`);
    }
    // The min is the least disturbed run (a busy machine only ever adds time); both are printed.
    const ratio = median(times['pilot-agent']) / median(times.tini);
    const minRatio = Math.min(...times['pilot-agent']) / Math.min(...times.tini);
    console.log(`ratio pilot-agent/tini: ${ratio.toFixed(2)}x by median, ${minRatio.toFixed(2)}x by min (target <= 2x)`);
  } finally {
    await fakeAdmin.close();
  }
}

if (process.argv[2] === '--observe') observe(Number(process.env.REAPER_BENCH_ZOMBIES), process.env.REAPER_BENCH_FIFO);
else await main(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 5));
