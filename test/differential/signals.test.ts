// The signals the agent sends envoy (or that reach it), sent to the stub and to real Envoy 1.40 alike, one envoy
// of each logging to --log-path: SIGUSR1 reopens the log file (after a rotation), SIGHUP is logged and eaten,
// SIGTERM shuts down with exit 0.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import t from 'tap';
import type { Test } from 'tap';
import { flavours, logLines, startStatic, type StaticEnvoy } from '../helpers/differential.js';
import { waitFor } from '../helpers/net.js';

const envoys = await Promise.all(flavours.map((f) => startStatic(t, f, (dir) => ['--log-path', `${dir}/envoy.log`, '--file-flush-interval-msec', '100'])));
const [real, stub] = envoys as [StaticEnvoy, StaticEnvoy];
const logPath = (e: StaticEnvoy) => `${e.dir}/envoy.log`;

async function same(t: Test, what: string, observe: (e: StaticEnvoy) => Promise<unknown>): Promise<void> {
  const [r, s] = await Promise.all([observe(real), observe(stub)]);
  t.same(s, r, `${what}: the stub does what real Envoy does`);
}

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
