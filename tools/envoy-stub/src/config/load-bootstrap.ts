// Reading the bootstrap the way Envoy does: -c by file extension (.yaml/.yml as YAML, anything
// else as JSON), then --config-yaml merged over it; both empty is an error.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ConfigError } from './config-error.js';
import { protoMerge, type Json } from './proto-merge.js';

export interface LoadedBootstrap {
  readonly value: Json;
  /** The -c file's text, when it is JSON, so a strict validator can point at line:col. */
  readonly jsonText?: string;
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new ConfigError(`Unable to parse JSON as proto (INVALID_ARGUMENT:${(e as Error).message}): ${text}`);
  }
}

// Loaded only for a YAML bootstrap: the agent always writes JSON, and yaml costs ~40 ms of every start.
const loadYaml = (): typeof import('yaml') => createRequire(import.meta.url)('yaml') as typeof import('yaml');

function parseYamlText(text: string): Json {
  const { parse: parseYaml } = loadYaml();
  try {
    return (parseYaml(text, { merge: false, uniqueKeys: true }) ?? {}) as Json;
  } catch (e) {
    throw new ConfigError(`Unable to convert YAML as JSON: ${(e as Error).message}`);
  }
}

export function loadBootstrap(configPath: string, configYaml: string): LoadedBootstrap {
  if (configPath === '' && configYaml === '') {
    throw new ConfigError('At least one of --config-path or --config-yaml or Options::configProto() should be non-empty');
  }
  let value: Json = {};
  let jsonText: string | undefined;
  if (configPath !== '') {
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch {
      throw new ConfigError(`Invalid path: ${configPath}`);
    }
    if (/\.(pb|pb_text)$/i.test(configPath)) {
      throw new ConfigError(`Unable to parse file "${configPath}": the stub reads only JSON and YAML bootstraps`);
    }
    if (/\.ya?ml$/i.test(configPath)) {
      value = parseYamlText(text);
    } else {
      value = parseJson(text);
      jsonText = text;
    }
  }
  if (configYaml !== '') {
    value = protoMerge(value, parseYamlText(configYaml));
    jsonText = undefined;
  }
  return { value, ...(jsonText !== undefined ? { jsonText } : {}) };
}
