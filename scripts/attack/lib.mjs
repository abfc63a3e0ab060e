// Shared pieces of the adversarial run: spawn the real bin/pilot-agent (compiled dist/) against the stub,
// each agent as PID 1 of its own pid namespace, and judge what happened to it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const agentBin = `${root}bin/pilot-agent`;
export const stubBin = `${root}tools/envoy-stub/bin/envoy-stub`;
/** --kill-child: if unshare dies, the namespace's init gets SIGKILL, and everything in it goes too. */
export const pid1 = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A port from the OS, the same way the benchmarks take one.
export { freePort } from '../../bench/lib.mjs';

export function tempDir(tag) {
  return mkdtempSync(`${tmpdir()}/pilot-agent-attack-${tag}-`);
}

/**
 * Run a command to completion with a hard bound. A run that outlives `boundMs` is a hang: it is
 * SIGKILLed (its pid namespace goes with it) and reported as such.
 */
export function runBounded(argv, env, boundMs, { wrap = true, stdin } = {}) {
  return new Promise((resolve) => {
    const cmd = wrap ? [...pid1, process.execPath, ...argv] : [process.execPath, ...argv];
    const child = spawn(cmd[0], cmd.slice(1), { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout = (stdout + c).slice(-200_000)));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr = (stderr + c).slice(-200_000)));
    child.stdin.on('error', () => {});
    if (stdin !== undefined) child.stdin.end(stdin);
    else child.stdin.end();
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, boundMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, hung });
    });
  });
}

/** The one-line contract for bad input: exit 2, one stderr line, no stack, nothing on stdout. */
export function judgeBadInput(r, { logsOnStdout = false } = {}) {
  if (r.hung) return 'hang';
  if (r.signal) return `crash (${r.signal})`;
  const lines = r.stderr.trimEnd().split('\n');
  if (r.code !== 2) return `wrong exit ${r.code}: ${lines[0]?.slice(0, 160)}`;
  if (/\n\s+at /.test(r.stderr)) return 'stack trace';
  if (lines.length !== 1) return `${lines.length} stderr lines`;
  // `proxy` logs JSON to stdout from its first step; anything else there (usage text, a bootstrap) is wrong.
  const stdout = logsOnStdout ? r.stdout.split('\n').filter((l) => l && !l.startsWith('{')).join('\n') : r.stdout;
  if (stdout !== '') return 'stdout not empty';
  return 'held';
}

/** For input with no single right answer: accepted (exit 0) or rejected by the contract; never 1, a hang or a stack. */
export function judgeAcceptOrReject(r) {
  if (r.hung) return 'hang';
  if (r.signal) return `crash (${r.signal})`;
  if (r.code === 0) return /\n\s+at /.test(r.stderr) ? 'stack trace' : 'held';
  return judgeBadInput(r);
}

/** Processes (host view) whose command line mentions `needle` — how a run finds what it left behind. */
export function processesMentioning(needle) {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export function procState(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

/** Children of `ppid` (host pids), with their states. */
export function childrenOf(ppid) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procState(Number(name));
    if (s && s.ppid === ppid) out.push({ pid: Number(name), state: s.state });
  }
  return out;
}

export function vmRssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** One HTTP exchange with a bound; never rejects (an error is a result). */
export function http(port, path, { method = 'GET', headers = {}, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: 0, error: e.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, error: e.message }));
    req.end();
  });
}

/** Raw bytes to a port; resolves with what came back once the peer closes, `closeAfterMs` passes, or after `closeAfterBytes` received. */
export function raw(port, chunks, { closeAfterMs = 2_000, closeAfterBytes = Infinity, gapMs = 0, reset = false } = {}) {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let done = false;
    const finish = (why) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (reset) sock.resetAndDestroy();
      else sock.destroy();
      resolve({ why, got: got.toString('latin1') });
    };
    const timer = setTimeout(() => finish('closed by us (time)'), closeAfterMs);
    sock.on('error', () => finish('error'));
    sock.on('close', () => finish('closed by peer'));
    sock.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= closeAfterBytes) finish('closed by us (bytes)');
    });
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (done) return;
        sock.write(c);
        if (gapMs) await sleep(gapMs);
      }
    });
  });
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}
