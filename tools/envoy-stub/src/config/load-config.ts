// Bootstrap loading end to end: read and merge, strict validation when available, then the
// stub's own structural reading.

import type { StubOptions } from '../cli/options.js';
import { readBootstrap, type BootstrapModel } from './bootstrap-model.js';
import { ConfigError } from './config-error.js';
import { loadBootstrap } from './load-bootstrap.js';
import { strictValidate } from './strict-validator.js';

export interface LoadedConfig {
  readonly model: BootstrapModel;
  readonly strictValidatorUsed: boolean;
  readonly warnings: readonly string[];
}

export async function loadConfig(options: StubOptions, strict: boolean): Promise<LoadedConfig> {
  const { value, jsonText } = loadBootstrap(options.configPath, options.configYaml);
  let warnings: readonly string[] = [];
  let used = false;
  if (strict) {
    const verdict = await strictValidate(value, jsonText, {
      allowUnknownStaticFields: options.allowUnknownStaticFields,
      cliProvidesNode: options.serviceNode !== '' && options.serviceCluster !== '',
    });
    if (verdict.error !== undefined) throw new ConfigError(verdict.error);
    warnings = verdict.warnings;
    used = verdict.used;
  }
  const model = readBootstrap(value, options);
  return { model, strictValidatorUsed: used, warnings };
}
