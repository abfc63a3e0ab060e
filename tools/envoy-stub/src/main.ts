// The stub Envoy's entry point (tools/envoy-stub/bin/envoy-stub): command line, then validate mode or a server.

import { parseCommandLine } from './cli/parse-command-line.js';
import type { StubOptions } from './cli/options.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import { armCrash } from './faults/crash.js';
import { EventLog } from './faults/event-log.js';
import { spawnDetachedGrandchild, spawnGrandchildren } from './faults/grandchildren.js';
import { readSettings, type StubSettings } from './faults/settings.js';
import { countStart } from './faults/start-counter.js';
import { HotRestarter } from './hot-restart/hot-restarter.js';
import { watchParentDeath } from './lifecycle/parent-death.js';
import { abortProcess, exitProcess } from './lifecycle/process-exit.js';
import { installSignalHandlers } from './lifecycle/signals.js';
import { StubServer } from './lifecycle/stub-server.js';
import { runValidate } from './lifecycle/validate-mode.js';
import { EnvoyLog } from './log/envoy-log.js';

/** strerror(3) for the errors opening a log file can give; Node's own text otherwise. */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
};

/** Envoy 1.40's critical line for an error while the server initializes (its config path, then the reason). */
const initError = (configPath: string, message: string) => `error \`${message}\` initializing config '${configPath}'`;

function openLog(options: StubOptions): EnvoyLog {
  const settings = {
    level: options.logLevel,
    componentLevels: options.componentLogLevels,
    format: options.logFormat,
    escaped: options.logFormatEscaped,
    // Validate mode logs to stderr whatever --log-path says, as Envoy's does.
    path: options.mode === 'validate' ? '' : options.logPath,
  };
  try {
    return new EnvoyLog(settings);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const message = `Failed to open log-file '${options.logPath}'. e.what(): unable to open file '${options.logPath}': ${STRERROR[err.code ?? ''] ?? err.message}`;
    const log = new EnvoyLog({ ...settings, path: '' });
    log.critical('main', 'source/server/server.cc:449', initError(options.configPath, message));
    process.stderr.write(`${message}\n`);
    log.info('main', 'source/server/server.cc:1159', 'exiting');
    process.exit(1);
  }
}

/** Envoy's wording for a bind failure during initialization. */
function describeStartupError(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err.code === 'EADDRINUSE') return `cannot bind '${err.address}:${err.port}': Address already in use`;
  return err instanceof Error ? err.message : String(e);
}

async function runServer(options: StubOptions, settings: StubSettings, log: EnvoyLog, events: EventLog): Promise<void> {
  const startNumber = settings.stateDir ? countStart(settings.stateDir) : undefined;
  if (settings.crash) armCrash(settings.crash, startNumber, events);
  if (settings.grandchildren > 0) spawnGrandchildren(settings.grandchildren, settings.grandchildLifetimeMs, events);
  if (settings.detachedGrandchild) spawnDetachedGrandchild(events);
  let server: StubServer | undefined;
  installSignalHandlers(log, events, settings.ignoreSigterm, () => server);

  const restarter = await HotRestarter.start(options, settings);
  if (!(restarter instanceof HotRestarter)) {
    if (restarter.kind === 'abort') return abortProcess(log, events, restarter.message);
    process.stderr.write(`${restarter.message}\n`);
    exitProcess(events, 1, 'hot restart');
  }
  if (restarter.enabled) watchParentDeath();
  if (options.skipHotRestartOnNoParent && options.restartEpoch > 0 && !(await restarter.testParentConnection())) {
    log.warn('main', 'source/server/hot_restarting_child.cc:61', 'hot restart sendmsg() connection refused, falling back to regular restart');
  }
  events.setEpoch(options.restartEpoch);
  log.info('main', 'source/server/server.cc:432', `initializing epoch ${options.restartEpoch} (base id=${restarter.baseId}, hot restart version=${restarter.version})`);

  if (!options.skipHotRestartOnNoParent) {
    const fatal = await restarter.connectParent({
      retries: settings.hotRestartRetries,
      intervalMs: settings.hotRestartRetryMs,
      onRetry: () => log.warn('main', 'source/server/hot_restarting_base.cc:160', 'hot restart sendmsg() connection refused, retrying'),
    });
    if (fatal) return abortProcess(log, events, fatal.message);
  }
  // Before the config is read, as Envoy 1.40 does (a child failing on its config leaves the parent without admin).
  await restarter.shutdownParentAdmin();

  const path = options.configPath;
  let loaded;
  try {
    loaded = await loadConfig(options, settings.strictValidation);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.critical('main', 'source/server/server.cc:449', initError(path, e.message));
    process.stderr.write(`${e.message}\n`);
    exitProcess(events, 1, 'config');
  }
  for (const w of loaded.warnings) log.warn('config', 'source/common/protobuf/message_validator_impl.cc:23', w);
  server = new StubServer(options, settings, loaded.model, log, events, restarter);
  try {
    await server.run();
  } catch (e) {
    const message = describeStartupError(e);
    const listener = (e as { listener?: string }).listener;
    if (listener !== undefined) {
      log.error('config', 'source/common/listener_manager/listener_manager_impl.cc:1405', `listener '${listener}' failed to bind or apply socket options: ${message}`);
    }
    log.critical('main', 'source/server/server.cc:449', initError(path, message));
    process.stderr.write(`${message}\n`);
    exitProcess(events, 1, 'initialization');
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const cl = parseCommandLine(argv);
  if (cl.kind === 'exit') {
    process.stdout.write(cl.stdout);
    process.stderr.write(cl.stderr);
    process.exitCode = cl.code;
    return;
  }
  const options = cl.options;
  let settings: StubSettings;
  try {
    settings = readSettings();
  } catch (e) {
    process.stderr.write(`envoy-stub: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const events = new EventLog(settings.eventLogPath);
  events.setEpoch(options.restartEpoch);
  const log = openLog(options);
  events.write('start', { argv, ppid: process.ppid, mode: options.mode, baseId: options.baseId, restartEpoch: options.restartEpoch });
  if (options.mode === 'validate') await runValidate(options, settings, log, events);
  else await runServer(options, settings, log, events);
}

await main(process.argv.slice(2));
