// The supervisor in-process, against a fake envoy runner and a manual clock: what it does with envoy
// over time, without processes or wall-clock waits.
import pino from 'pino';
import t from 'tap';
import type { ProxyConfig } from '../../src/config/proxy-config.js';
import { readSupervision } from '../../src/config/supervision.js';
import type { EnvoyExit } from '../../src/envoy/process.js';
import type { EnvoyAdmin, EnvoyRunner, RunningEnvoy } from '../../src/supervisor/runner.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { ManualClock, settle } from '../helpers/manual-clock.js';

const drainMs = 45_000;
const minimumDrainMs = 5_000;
const config = {
  role: 'sidecar',
  ipv6: false,
  proxyAdminPort: 15000,
  envoyStatusPort: 15021,
  envoyPrometheusPort: 15090,
  drainDurationMs: drainMs,
  parentShutdownDurationMs: 60_000,
  customConfigFile: '',
} as unknown as ProxyConfig;

/** A fake envoy world: epochs go LIVE at once, exit when signalled, and report active connections from a script. */
function fakeRunner(clock: ManualClock, activeConnections: () => number) {
  const signals: { at: number; epoch: number; signal: string }[] = [];
  const admin: EnvoyAdmin = {
    get: async (path) => {
      if (!path.includes('downstream_cx_active')) return { status: 404, body: '' };
      return { status: 200, body: `listener.0.0.0.0_15006.downstream_cx_active: ${activeConnections()}\n` };
    },
    post: async () => ({ status: 200, body: 'OK\n' }),
    close: async () => undefined,
  };
  const runner: EnvoyRunner = {
    writeBootstrap: async (epoch) => `/fake/envoy-rev${epoch}.json`,
    validate: async () => ({ ok: true }),
    start(epoch): RunningEnvoy {
      let exit!: (e: EnvoyExit) => void;
      const exited = new Promise<EnvoyExit>((resolve) => (exit = resolve));
      const stop = (signal: string, status: number): void => {
        signals.push({ at: clock.now(), epoch, signal });
        exit({ code: null, signal, status });
      };
      return { pid: 1000 + epoch, args: [], exited, stderrTail: () => [], signal: (sig) => stop(sig, 143), kill: () => stop('SIGKILL', 137) };
    },
    admin: () => admin,
    waitUntilLive: async () => true,
    discard: () => undefined,
  };
  return { runner, signals };
}

async function liveSupervisor(exitOnZero: boolean, activeConnections: () => number) {
  const clock = new ManualClock();
  const { runner, signals } = fakeRunner(clock, activeConnections);
  const supervision = { ...readSupervision({}), exitOnZeroActiveConnections: exitOnZero, minimumDrainMs };
  const supervisor = new Supervisor(config, supervision, pino({ level: 'silent' }), { runner, clock });
  const exitCode = supervisor.run();
  await settle();
  return { clock, signals, supervisor, exitCode };
}

t.test('with EXIT_ON_ZERO_ACTIVE_CONNECTIONS the drain ends as soon as envoy reports zero connections', async (t) => {
  let active = 3;
  const { clock, signals, supervisor, exitCode } = await liveSupervisor(true, () => Math.max(0, active--));
  t.equal(supervisor.state, 'live');
  supervisor.requestShutdown('SIGTERM');
  await clock.advance(drainMs);
  // Polled once a second after the minimum: 3, 2, 1, then 0.
  t.same(signals, [{ at: minimumDrainMs + 3_000, epoch: 0, signal: 'SIGTERM' }], 'terminated once zero was reported, long before drainDuration');
  t.equal(await exitCode, 0);
});

t.test('with EXIT_ON_ZERO_ACTIVE_CONNECTIONS connections that never reach zero drain for the whole drainDuration', async (t) => {
  const { clock, signals, supervisor, exitCode } = await liveSupervisor(true, () => 7);
  supervisor.requestShutdown('SIGTERM');
  await clock.advance(drainMs + 1_000);
  t.same(signals, [{ at: drainMs, epoch: 0, signal: 'SIGTERM' }]);
  t.equal(await exitCode, 0);
});

t.test('without EXIT_ON_ZERO_ACTIVE_CONNECTIONS the drain lasts drainDuration even with no connections', async (t) => {
  const { clock, signals, supervisor, exitCode } = await liveSupervisor(false, () => 0);
  supervisor.requestShutdown('SIGTERM');
  await clock.advance(drainMs + 1_000);
  t.same(signals, [{ at: drainMs, epoch: 0, signal: 'SIGTERM' }]);
  t.equal(await exitCode, 0);
});
