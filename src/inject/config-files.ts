import { createHash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import { readRegularFileSync, UnreadableFileError } from '../fs/read-regular-file.js';
import { agentVersion } from '../version.js';
import type { InjectConfig } from './inject-config.js';
import { InputError, type YamlPath } from './input-error.js';
import { installedMesh, istioDefaultMesh, readMesh } from './mesh.js';
import { deepMerge, defaultValuesDocument, readValues } from './values.js';
import { LocatedError, lineOf } from './yaml-stream.js';

// --valuesFile and --meshConfigFile: read, merged onto the defaults, checked; errors name file and line.

export interface ConfigSources {
  readonly valuesFile?: string;
  readonly meshConfigFile?: string;
  readonly image?: string;
  readonly nativeSidecar?: boolean;
  readonly wrapJobCommand?: boolean;
}

interface YamlFile {
  readonly value: Record<string, unknown>;
  /** Line of a path in this file (the merged document has no positions of its own). */
  readonly lineOf: (path: YamlPath) => number;
}

export function loadInjectConfig(src: ConfigSources): InjectConfig {
  const valuesFile = src.valuesFile === undefined ? undefined : readYamlFile(src.valuesFile);
  const meshFile = src.meshConfigFile === undefined ? undefined : readYamlFile(src.meshConfigFile);
  const valuesDoc = deepMerge(defaultValuesDocument, valuesFile?.value ?? {});
  // Like istioctl: a mesh file replaces the cluster's mesh config and is applied over Istio's defaults.
  const meshDoc = meshFile ? deepMerge(istioDefaultMesh, meshFile.value) : installedMesh;
  const values = located(src.valuesFile, valuesFile, () => readValues(valuesDoc));
  const mesh = located(src.meshConfigFile, meshFile, () => readMesh(meshDoc));
  const templateVersion = createHash('sha256')
    .update(JSON.stringify({ injector: `pilot-agent ${agentVersion}`, values: valuesDoc, mesh: meshDoc, image: src.image ?? null }))
    .digest('hex');
  return {
    values, mesh, templateVersion, ...(src.image ? { image: src.image } : {}),
    nativeSidecar: src.nativeSidecar ?? false, wrapJobCommand: src.wrapJobCommand ?? false,
  };
}

/** A YAML (or JSON) file holding one mapping; an empty file counts as an empty mapping. */
function readYamlFile(file: string): YamlFile {
  let text: string;
  try {
    text = readRegularFileSync(file);
  } catch (e) {
    const reason = e instanceof UnreadableFileError ? e.reason : (e as Error).message;
    throw new LocatedError(file, 0, reason === 'ENOENT' ? 'no such file' : reason);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, logLevel: 'silent' });
  const err = doc.errors[0];
  if (err) throw new LocatedError(file, err.linePos?.[0].line ?? 1, `invalid YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  const value: unknown = doc.toJS();
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    throw new LocatedError(file, 1, 'expected a mapping');
  }
  return { value: (value ?? {}) as Record<string, unknown>, lineOf: (path) => lineOf(doc, lineCounter, path) };
}

function located<T>(name: string | undefined, file: YamlFile | undefined, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof InputError) throw new LocatedError(name ?? '<built-in defaults>', file?.lineOf(e.path) ?? 0, e.message);
    throw e;
  }
}
