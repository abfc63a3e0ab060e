// `pilot-agent wait -- cmd`: the command starts only once the proxy is ready, and the wrapper is
// transparent afterwards: the command's exit status is ours, every signal we get is passed on.
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { runAgent } from '../helpers/agent.js';
import { startAgent } from '../helpers/running-agent.js';
import { eventually, lines, scriptedEndpoint, spawnCli, tempDir } from '../helpers/wait-harness.js';

const node = process.execPath;

/** A command that records the readiness status it sees at start, then exits 7. */
const recordReadiness = `
  const [url, marker] = process.argv.slice(1);
  fetch(url).then((r) => { require('fs').writeFileSync(marker, String(r.status)); process.exit(7); });`;

/** A command that logs every signal it gets and exits 43 on SIGTERM. */
const signalRecorder = `
  const fs = require('fs');
  const log = process.argv[1];
  for (const s of ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH']) process.on(s, () => fs.appendFileSync(log, s + '\\n'));
  process.on('SIGTERM', () => { fs.appendFileSync(log, 'SIGTERM\\n'); process.exit(43); });
  fs.appendFileSync(log, 'started\\n');
  setInterval(() => {}, 1000);`;

t.test('the command starts only after readiness turned 200', async (t) => {
  let ready = false;
  const endpoint = await scriptedEndpoint(t, () => (ready ? { status: 200 } : { status: 503, body: 'envoy not running' }));
  const marker = `${tempDir(t)}/started`;
  const run = spawnCli(t, ['wait', '--url', endpoint.url, '--periodMillis', '20', '--', node, '-e', recordReadiness, endpoint.url, marker]);
  await eventually('several not-ready answers', () => endpoint.count() >= 5);
  t.notOk(existsSync(marker), 'not started while the endpoint says 503');
  ready = true;
  const exit = await run.exited;
  t.equal(exit.code, 7, "the command's exit code is ours");
  t.equal(readFileSync(marker, 'utf8'), '200', 'the command saw a ready endpoint');
});

t.test('against the agent and stub envoy: the app sees a ready proxy', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '1000' } });
  const url = `http://127.0.0.1:${agent.ports.envoyStatus}/healthz/ready`;
  const marker = `${tempDir(t)}/started`;
  const res = await runAgent(['wait', '--url', url, '--periodMillis', '100', '--', node, '-e', recordReadiness, url, marker]);
  t.equal(res.code, 7, res.stderr);
  t.equal(readFileSync(marker, 'utf8'), '200');
});

t.test('exit codes pass through, and death by signal becomes 128 + n', async (t) => {
  const endpoint = await scriptedEndpoint(t, () => ({ status: 200 }));
  const wait = (...cmd: string[]) => runAgent(['wait', '--url', endpoint.url, '--', ...cmd]);
  t.equal((await wait(node, '-e', 'process.exit(0)')).code, 0);
  t.equal((await wait(node, '-e', 'process.exit(42)')).code, 42);
  t.equal((await wait(node, '-e', "process.kill(process.pid, 'SIGKILL')")).code, 137);
  // (node's own "--" ends node's options; ours is the first one, before node)
  const args = await wait(node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '--', '--url', 'x', '--', 'y');
  t.match(args.stdout, '["--url","x","--","y"]', "the command's own flags and -- are left alone");
});

t.test('a command that cannot be found exits 127 with one line', async (t) => {
  const endpoint = await scriptedEndpoint(t, () => ({ status: 200 }));
  const res = await runAgent(['wait', '--url', endpoint.url, '--', '/nonexistent/app', '--flag']);
  t.equal(res.code, 127);
  t.same(lines(res.stderr), ['error: cannot run "/nonexistent/app": no such file or command']);
});

t.test('every signal is forwarded; the exit status is the command\'s', async (t) => {
  const endpoint = await scriptedEndpoint(t, () => ({ status: 200 }));
  const log = `${tempDir(t)}/signals`;
  const run = spawnCli(t, ['wait', '--url', endpoint.url, '--', node, '-e', signalRecorder, log]);
  const recorded = (): string[] => (existsSync(log) ? lines(readFileSync(log, 'utf8')) : []);
  await eventually('the command to start', () => recorded().includes('started'));
  const sent: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];
  for (const [i, signal] of sent.entries()) {
    run.proc.kill(signal);
    await eventually(`${signal} to arrive`, () => recorded().length === i + 2);
  }
  t.equal(run.proc.exitCode, null, 'the wrapper survives signals the command survives');
  run.proc.kill('SIGTERM');
  const exit = await run.exited;
  t.same(recorded(), ['started', ...sent, 'SIGTERM'], 'each one, in order');
  t.same(exit, { code: 43, signal: null }, 'the command chose 43 on SIGTERM; so do we');
});

t.test('a signal while waiting ends the wait: 128 + n, and the command never starts', async (t) => {
  const endpoint = await scriptedEndpoint(t, () => ({ status: 503, body: 'draining' }));
  const marker = `${tempDir(t)}/started`;
  const run = spawnCli(t, ['wait', '--url', endpoint.url, '--periodMillis', '20', '--', node, '-e', recordReadiness, endpoint.url, marker]);
  await eventually('the wait to be polling', () => endpoint.count() >= 2);
  run.proc.kill('SIGTERM');
  const exit = await run.exited;
  t.equal(exit.code, 143);
  t.notOk(existsSync(marker));
  t.match(run.stderr, /^error: stopped by SIGTERM while waiting for Envoy proxy to become ready; the command was not started$/m);
});
