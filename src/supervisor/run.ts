import type { Logger } from 'pino';
import { generateBootstrap } from '../bootstrap/generate.js';
import type { ProxyConfig } from '../config/proxy-config.js';
import type { SupervisionConfig } from '../config/supervision.js';
import { routeSignals, type AgentSignal } from '../init/signals.js';
import { startStatusServer } from '../status/server.js';
import { Supervisor } from './supervisor.js';

/**
 * The `proxy` command's life: check the bootstrap renders (bad input exits 2 before anything starts),
 * start the status server and the supervisor, route signals to it, and return its exit code.
 */
export async function runProxy(config: ProxyConfig, supervision: SupervisionConfig, log: Logger): Promise<number> {
  await generateBootstrap(config); // throws a TEMPLATE error (exit 2) before anything is started
  const supervisor = new Supervisor(config, supervision, log);
  const status = await startStatusServer(config.statusPort, supervisor, log);
  const onSignal = (signal: AgentSignal): void => {
    log.info({ signal }, 'signal received');
    switch (signal) {
      case 'SIGTERM':
      case 'SIGINT':
        return supervisor.requestShutdown(signal);
      case 'SIGQUIT':
        return supervisor.requestShutdown(signal, true);
      case 'SIGHUP':
        return supervisor.requestReload('SIGHUP');
      case 'SIGUSR1':
        return supervisor.signalEnvoy('SIGUSR1');
      case 'SIGUSR2':
        log.info({ state: supervisor.state, stats: { ...supervisor.stats } }, 'state dump (SIGUSR2)');
        return;
    }
  };
  const unroute = routeSignals(onSignal);
  const code = await supervisor.run();
  unroute();
  status.closeAllConnections();
  await new Promise((resolve) => status.close(resolve));
  log.info({ code }, 'pilot-agent exiting');
  return code;
}
