import type { Logger } from 'pino';
import { generateBootstrap } from '../bootstrap/generate.js';
import { removeBootstrap, writeBootstrap } from '../bootstrap/write.js';
import type { ProxyConfig } from '../config/proxy-config.js';
import { AdminClient } from '../envoy/admin.js';
import { envoyArgs } from '../envoy/args.js';
import { startEnvoy, type EnvoyExit } from '../envoy/process.js';
import { routeSignals, type AgentSignal } from '../init/signals.js';

// Grace for envoy to exit after SIGTERM before it is killed (envoy exits at once on SIGTERM).
const killGraceMs = 5_000;

/**
 * Run envoy at epoch 0 until it exits or the agent is told to stop. A first version of the
 * supervisor: one epoch, drain-then-terminate on SIGTERM/SIGINT, envoy's exit status becomes ours.
 */
export async function runProxy(config: ProxyConfig, log: Logger): Promise<number> {
  const generated = await generateBootstrap(config);
  for (const w of generated.warnings) log.warn(w);
  const epoch = 0;
  const file = generated.custom ? config.customConfigFile : writeBootstrap(config.configPath, epoch, generated.json);
  const args = envoyArgs(config, epoch, file);
  log.info({ epoch, binary: config.binaryPath, args }, 'starting envoy');
  const envoy = startEnvoy(config.binaryPath, args, epoch);
  const admin = new AdminClient(config.ipv6 ? '::1' : '127.0.0.1', config.proxyAdminPort);

  let stopping: Promise<void> | undefined;
  const stop = (reason: string): void => {
    stopping ??= drainThenTerminate(reason);
  };
  const drainThenTerminate = async (reason: string): Promise<void> => {
    log.info({ reason, drainMs: config.drainDurationMs }, 'draining envoy before shutdown');
    const drainPath = config.role === 'sidecar' ? '/drain_listeners?graceful&inboundonly' : '/drain_listeners?graceful';
    await admin.post(drainPath).catch((e: Error) => log.warn({ err: e.message }, 'drain request failed'));
    await Promise.race([envoy.exited, delay(config.drainDurationMs)]);
    envoy.signal('SIGTERM');
    const killer = setTimeout(() => envoy.signal('SIGKILL'), killGraceMs);
    await envoy.exited;
    clearTimeout(killer);
  };
  const onSignal = (signal: AgentSignal): void => {
    if (signal === 'SIGTERM' || signal === 'SIGINT') {
      if (stopping && signal === 'SIGINT') envoy.signal('SIGKILL'); // a second Ctrl-C means "now"
      stop(signal);
    } else if (signal === 'SIGUSR1') envoy.signal('SIGUSR1'); // envoy reopens its logs
    else log.info({ signal }, 'signal noted; no action');
  };
  const unroute = routeSignals(onSignal);

  const exit: EnvoyExit = await envoy.exited;
  await stopping;
  unroute();
  await admin.close();
  if (!generated.custom) removeBootstrap(config.configPath, epoch);
  const planned = stopping !== undefined;
  log[planned || exit.status === 0 ? 'info' : 'error']({ epoch, ...exit }, planned ? 'envoy stopped' : 'envoy exited');
  return planned ? 0 : exit.status;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
