// Reading the bootstrap the way Envoy does: -c by file extension (.yaml/.yml as YAML, anything
// else as JSON), then --config-yaml merged over it; both empty is an error.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseJsonWithPositions } from '../envoy-api/json-parse.js';
import { toValue } from '../envoy-api/json-tree.js';
import { ConfigError } from './config-error.js';
import { protoMerge, type Json } from './proto-merge.js';

export interface LoadedBootstrap {
  readonly value: Json;
  /** The -c file's text, when it is JSON, so a strict validator can point at line:col. */
  readonly jsonText?: string;
}

// The parser the strict validator uses (dependency-free): it accepts what Envoy's protobuf JSON parser
// accepts beyond RFC 8259 (a trailing comma; a key twice, merged), so the model and the verdict agree.
function parseJson(text: string): Json {
  const parsed = parseJsonWithPositions(text);
  const syntax = parsed.problems.find((p) => p.kind === 'SYNTAX');
  if (!parsed.node || syntax) {
    const where = syntax ? ` at ${syntax.line}:${syntax.col}` : '';
    throw new ConfigError(`Unable to parse JSON as proto (INVALID_ARGUMENT:${syntax?.message ?? 'invalid JSON'}${where}): ${text}`);
  }
  return toValue(parsed.node) as Json;
}

// Envoy turns YAML into JSON with yaml-cpp's conversions: an unquoted y/n/yes/no/on/off (any case
// form) is a boolean, as in YAML 1.1, while the numbers stay YAML 1.2's (no sexagesimal, no octal 0755).
const yaml11Bool = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  resolve: (s: string): boolean => /^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(s),
};

// Loaded only for a YAML bootstrap: the agent always writes JSON, and yaml costs ~40 ms of every start.
const loadYaml = (): typeof import('yaml') => createRequire(import.meta.url)('yaml') as typeof import('yaml');

function parseYamlText(text: string): Json {
  const { parse: parseYaml } = loadYaml();
  try {
    // A key twice is no error for Envoy either (checked against 1.40); the last one wins here.
    const customTags = (tags: unknown[]): unknown[] => [yaml11Bool, ...tags];
    return (parseYaml(text, { merge: false, uniqueKeys: false, customTags: customTags as never }) ?? {}) as Json;
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
