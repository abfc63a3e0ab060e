#!/usr/bin/env node
// npm run test:stress [-- --runs N] [-- --no-hog] [-- <tap args>]
//
// Runs the whole suite while a CPU hog keeps every core busy: one `node -e 'for(;;){}'` child per core, at
// normal priority. The suite must pass on a loaded machine, not only on a quiet one. With --runs N it runs N
// times in a row and stops at the first failure. --no-hog runs the same thing without the hog (the quiet
// figure to compare with). The hog is killed by pid whatever happens (exit, error, Ctrl-C, SIGTERM).
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const argv = process.argv.slice(2);
let runs = 1;
let hog = true;
const tapArgs = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--runs') runs = Number(argv[++i]);
  else if (argv[i].startsWith('--runs=')) runs = Number(argv[i].slice('--runs='.length));
  else if (argv[i] === '--no-hog') hog = false;
  else tapArgs.push(argv[i]);
}
if (!Number.isInteger(runs) || runs < 1) {
  console.error('error: --runs expects a whole number of at least 1');
  process.exit(2);
}

const hogs = [];
let tapChild;
function stopHog() {
  for (const c of hogs.splice(0)) {
    try { process.kill(c.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}
process.on('exit', stopHog);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    stopHog();
    if (tapChild?.exitCode === null) try { process.kill(tapChild.pid, 'SIGTERM'); } catch { /* gone */ }
    process.exit(130);
  });
}
process.on('uncaughtException', (err) => { stopHog(); console.error(err); process.exit(1); });

const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');

// Build and typecheck once (what `npm test`'s pretest does), then run tap itself for each run.
const pre = spawnSync('npm', ['run', 'pretest'], { cwd: root, stdio: 'inherit' });
if (pre.status !== 0) process.exit(pre.status ?? 1);

if (hog) {
  const n = availableParallelism();
  for (let i = 0; i < n; i++) hogs.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  console.log(`stress: CPU hog started: ${n} busy-loop processes (pids ${hogs.map((c) => c.pid).join(' ')})`);
}

const results = [];
let failed = false;
for (let run = 1; run <= runs && !failed; run++) {
  const before = load();
  const start = Date.now();
  const { code, summary } = await new Promise((resolve) => {
    const tap = spawn(`${root}node_modules/.bin/tap`, tapArgs, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    tapChild = tap;
    let summary = '';
    let tail = '';
    tap.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4096);
      const m = tail.match(/# \{ total: [^}]*\}/g);
      if (m) summary = m[m.length - 1];
    });
    tap.on('close', (code) => resolve({ code, summary }));
  });
  const secs = ((Date.now() - start) / 1000).toFixed(0);
  const line = `stress run ${run}/${runs}${hog ? ' under the CPU hog' : ' (no hog)'}: ${code === 0 ? 'PASS' : `FAIL (exit ${code})`} ` +
    `in ${secs} s; ${summary || 'no summary line'}; load average before ${before}, after ${load()}`;
  results.push(line);
  console.log(`\n${line}`);
  if (code !== 0) failed = true;
}
stopHog();
console.log(`\nsummary:\n${results.join('\n')}`);
process.exit(failed ? 1 : 0);
