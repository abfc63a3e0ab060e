// --mode validate: load and check the bootstrap, no hot restart, no admin, no listeners.

import type { StubOptions } from '../cli/options.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import type { EventLog } from '../faults/event-log.js';
import type { StubSettings } from '../faults/settings.js';
import type { EnvoyLog } from '../log/envoy-log.js';
import { exitProcess } from './process-exit.js';

export async function runValidate(options: StubOptions, settings: StubSettings, log: EnvoyLog, events: EventLog): Promise<never> {
  const fail = (message: string): never => {
    log.critical('main', 'source/server/config_validation/server.cc:79', `error initializing configuration '${options.configPath}': ${message}`);
    return exitProcess(events, 1, 'validate failed');
  };
  if (settings.failValidate !== undefined) return fail(settings.failValidate);
  try {
    const loaded = await loadConfig(options, settings.strictValidation);
    for (const w of loaded.warnings) log.warn('config', 'source/common/protobuf/message_validator_impl.cc:23', w);
  } catch (e) {
    if (e instanceof ConfigError) return fail(e.message);
    throw e;
  }
  process.stdout.write(`configuration '${options.configPath}' OK\n`);
  return exitProcess(events, 0, 'validate ok');
}
