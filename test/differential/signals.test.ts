// The signals the agent sends envoy (or that reach it), sent to the stub and to real Envoy 1.40 alike, one envoy
// of each logging to --log-path: SIGUSR1 reopens the log file (after a rotation), SIGHUP is logged and eaten,
// SIGTERM shuts down with exit 0; and the SIGTERM envoy gets when the process that started it dies.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import t from 'tap';
import type { Test } from 'tap';
import { admin, binaryOf, flavours, logLines, startPair, staticSetup, type Flavour, type StaticEnvoy } from '../helpers/differential.js';
import { waitFor } from '../helpers/net.js';

const { envoys, same } = await startPair(t, (dir) => ['--log-path', `${dir}/envoy.log`, '--file-flush-interval-msec', '100']);
const logPath = (e: StaticEnvoy) => `${e.dir}/envoy.log`;

/** Every log line so far, rotated file first. Envoy writes its log file in batches (every --file-flush-interval-msec). */
const logged = (e: StaticEnvoy) => logLines([`${logPath(e)}.1`, logPath(e)].filter(existsSync).map((f) => readFileSync(f, 'utf8')).join(''));
const waitLogged = (e: StaticEnvoy, message: string) =>
  waitFor(`${e.flavour} logs "${message}"`, () => logged(e).find((l) => l.message === message), 20_000);
const shown = (l: { level: string; component: string; message: string }) => `[${l.level}][${l.component}] ${l.message}`;

t.test('SIGUSR1 after a rotation: the log file is opened again at its path, envoy keeps running', async (t) => {
  for (const e of envoys) renameSync(logPath(e), `${logPath(e)}.1`);
  for (const e of envoys) e.envoy.signal('SIGUSR1');
  await same(t, 'the line it logs', async (e) => shown(await waitLogged(e, 'caught SIGUSR1. Reopening access logs.')));
  await same(t, 'a new file at the path', async (e) => waitFor(`${e.flavour} reopens its log`, () => existsSync(logPath(e)), 20_000));
  await same(t, 'still LIVE', async (e) => (await e.admin('GET', '/ready')).body);
});

t.test('SIGHUP is logged and eaten', async (t) => {
  for (const e of envoys) e.envoy.signal('SIGHUP');
  await same(t, 'the line it logs', async (e) => shown(await waitLogged(e, 'caught and eating SIGHUP. See documentation for how to hot restart.')));
  await same(t, 'still LIVE', async (e) => (await e.admin('GET', '/ready')).body);
});

t.test('SIGTERM: shuts down at once, exit 0', async (t) => {
  for (const e of envoys) e.envoy.signal('SIGTERM');
  await same(t, 'the exit', (e) => e.envoy.exited);
  await same(t, 'the lines from the signal on', async (e) => {
    const lines = logged(e);
    return lines.slice(lines.findIndex((l) => l.message === 'caught ENVOY_SIGTERM')).map(shown);
  });
});

/**
 * Envoy started through a shell (as the agent starts it, with hot restart on): when that parent dies without a
 * word (SIGKILL), envoy gets SIGTERM from the kernel (PDEATHSIG; the stub polls for it) and shuts down.
 */
async function parentDies(t: Test, flavour: Flavour) {
  const s = await staticSetup(t, `${flavour}-orphan`);
  const args = ['-c', s.config, '--base-id', String(s.baseId), '-l', 'info'];
  const shell = spawn('sh', ['-c', '"$0" "$@" & echo "$!"; wait', binaryOf(flavour), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ENVOY_STUB_SHM_DIR: s.dir },
  });
  let out = '';
  shell.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  shell.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  const pid = await waitFor(`${flavour} pid`, () => Number(/^(\d+)\n/.exec(out)?.[1]) || undefined);
  t.teardown(() => {
    shell.kill('SIGKILL');
    // Only if that pid is still this envoy (it should be gone): a pid can be reused once its process has exited.
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    })();
    if (cmdline.includes(s.config)) process.kill(pid, 'SIGKILL');
  });
  await waitFor(`${flavour} LIVE`, async () => (await admin(s.ports.admin, 'GET', '/ready').catch(() => undefined))?.status === 200, 30_000);
  shell.kill('SIGKILL');
  await waitFor(`${flavour} shuts down`, () => logLines(out).some((l) => l.message === 'exiting'), 20_000);
  await waitFor(`${flavour} admin closed`, async () => (await admin(s.ports.admin, 'GET', '/ready').then(() => false, () => true)));
  const lines = logLines(out);
  return lines.slice(lines.findIndex((l) => l.message === 'caught ENVOY_SIGTERM')).map(shown);
}

t.test('when the process that started envoy dies, envoy gets SIGTERM and shuts down', async (t) => {
  const [r, s] = await Promise.all(flavours.map((f) => parentDies(t, f)));
  t.same(s, r, 'the stub does what real Envoy does');
  t.same(r!.slice(0, 1), ['[warning][main] caught ENVOY_SIGTERM'], 'SIGTERM');
});
