#!/usr/bin/env node
// Benchmark: how long a PID 1 takes to reap 1000 zombies — our reaper vs Debian's tini, same run,
// same method. Needs root (unshare) and `tini` on PATH (apt-get install tini); build dist/ first.
//
// Method, identical for both inits: in a fresh pid namespace the init runs an observer process.
// The host SIGSTOPs the init; the observer makes N orphans that die at once (they stay zombies:
// the init is stopped); when all N are zombies it notes the time and SIGCONTs the init (from inside
// the namespace SIGCONT still continues an init), which then gets its pending SIGCHLD and reaps.
// The observer polls the namespace's own /proc until the zombies are gone: that is the time.
//
//   node bench/reaper.mjs [zombies=1000] [rounds=5]
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

/** Our init: the agent's reaper as PID 1, running the observer as its only child. */
async function runInit() {
  const { installReaper } = await import('../dist/init/index.js');
  const reaper = installReaper();
  const observer = spawn(process.execPath, [self, '--observe', process.argv[3]], { stdio: 'inherit' });
  const code = await new Promise((resolve) => observer.once('exit', (c) => resolve(c ?? 1)));
  await reaper.finalSweep(1_000);
  process.exit(code);
}

const pids = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n));
const isZombie = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return false;
  }
};

/** Inside the namespace, under either init. Line protocol with the host: ready → go → result. */
async function observe(n) {
  const baseline = pids().length;
  process.stdout.write('ready\n');
  await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
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
  process.stdout.write(`${JSON.stringify({ zombies, ms })}\n`);
  process.exit(0);
}

/** One run in a fresh namespace; returns milliseconds from SIGCONT to no zombie left. */
async function measure(init, n) {
  const wrapper = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];
  const command = init === 'tini'
    ? [...wrapper, 'tini', '--', process.execPath, self, '--observe', String(n)]
    : [...wrapper, process.execPath, self, '--init', String(n)];
  const proc = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  try {
    if ((await lines.next()).value !== 'ready') throw new Error(`${init}: observer did not start`);
    process.kill(findChild(proc.pid), 'SIGSTOP'); // the init, as the host sees it
    proc.stdin.write('go\n');
    const result = JSON.parse((await lines.next()).value);
    const code = await exited;
    if (code !== 0 || result.zombies !== n) throw new Error(`${init}: bad run ${JSON.stringify({ code, ...result })}`);
    return result.ms;
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); // --kill-child ends the namespace
  }
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(n, rounds) {
  if (spawnSync('tini', ['--version']).status !== 0) throw new Error('tini not found: apt-get install -y tini');
  const times = { tini: [], 'pilot-agent': [] };
  for (let r = 0; r < rounds; r++) {
    for (const init of ['tini', 'pilot-agent']) times[init].push(await measure(init, n));
  }
  for (const [init, xs] of Object.entries(times)) {
    console.log(`${init.padEnd(12)} reap ${n} zombies as PID 1: median ${median(xs).toFixed(2)} ms, min ${Math.min(...xs).toFixed(2)} ms  (runs: ${xs.map((x) => x.toFixed(2)).join(', ')})`);
  }
  // The min is the least disturbed run (a busy machine only ever adds time); both are printed.
  const ratio = median(times['pilot-agent']) / median(times.tini);
  const minRatio = Math.min(...times['pilot-agent']) / Math.min(...times.tini);
  console.log(`ratio pilot-agent/tini: ${ratio.toFixed(2)}x by median, ${minRatio.toFixed(2)}x by min (target <= 2x)`);
}

const [role] = process.argv.slice(2);
if (role === '--init') await runInit();
else if (role === '--observe') await observe(Number(process.argv[3]));
else await main(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 5));
