// Loads the Envoy v3 API from the .proto files shipped with @grpc/grpc-js-xds.
//
// protobufjs' Root.load() resolves the whole root after every file and throws asynchronously (and
// uncatchably) on the first unresolvable type; the package ships v2-era files whose imports are
// missing. So files are parsed one by one, imports followed by hand, and types resolved one at a
// time with failures recorded instead of thrown.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import type * as PB from 'protobufjs';
import type { EnvoyTypes, LoadStats } from './types.js';
import { cacheDisabled, cacheKey, restoreTree, saveTree } from './types-cache.js';

type Protobuf = typeof PB;

// v2-era packages (frozen, replaced by v3): Envoy >= 1.18 rejects these types anyway.
const V2_SEGMENT = /^envoy\/(.*\/)?v(2|2alpha\d*|1alpha1)\//;
const WIP_FILE = /option\s*\((udpa\.annotations|xds\.annotations\.v3)\.file_status\)\.work_in_progress\s*=\s*true/;

interface Deps {
  pb: Protobuf;
  includeDirs: string[];
  /** Directories whose every .proto is loaded (the rest only when imported). */
  rootDirs: string[];
  /** The versions of the packages the tree comes from (the disk cache's key). */
  versions: string[];
}

async function importDeps(): Promise<Deps> {
  const require = createRequire(import.meta.url);
  let xdsPkg: string;
  let pbPkg: string;
  try {
    xdsPkg = path.dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
    pbPkg = path.dirname(require.resolve('protobufjs/package.json'));
  } catch (e) {
    throw new Error(
      'envoy-api: the dev dependencies protobufjs and @grpc/grpc-js-xds are needed to validate Envoy config; install them with npm install --include=dev',
      { cause: e },
    );
  }
  // Dynamic import only: a production install has no protobufjs and must still load this module.
  const mod = (await import('protobufjs')) as unknown as { default?: Protobuf } & Protobuf;
  const pb = mod.default ?? mod;
  const deps = path.join(xdsPkg, 'deps');
  const includeDirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(deps, d));
  includeDirs.push(pbPkg); // google/protobuf/descriptor.proto is not in protobufjs' bundled set
  const version = (dir: string): string => (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    pb,
    includeDirs,
    rootDirs: [path.join(deps, 'envoy-api', 'envoy'), path.join(deps, 'xds')],
    versions: [`grpc-js-xds@${version(xdsPkg)}`, `protobufjs@${version(pbPkg)}`],
  };
}

function listProtos(dir: string, base: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.proto'))
    .map((f) => path.relative(base, path.join(dir, f)).split(path.sep).join('/'))
    .sort();
}

function parseAll(deps: Deps, root: PB.Root, stats: LoadStats, wipFiles: Set<string>): void {
  const { pb, includeDirs } = deps;
  // parse.filename exists at run time but not in the typings.
  const parser = pb.parse as typeof pb.parse & { filename: string | null };
  const common = pb.common as unknown as Record<string, PB.INamespace | undefined>;
  const seen = new Set<string>();
  const visit = (file: string, importer?: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (V2_SEGMENT.test(file)) return; // counted when listed below; only v2 files import v2 files
    const bundled = common[file];
    if (bundled?.nested) {
      root.addJSON(bundled.nested);
      stats.files++;
      return;
    }
    const dir = includeDirs.find((d) => existsSync(path.join(d, file)));
    if (!dir) {
      stats.failed.push({ file, reason: `not shipped${importer ? ` (imported by ${importer})` : ''}` });
      return;
    }
    try {
      const src = readFileSync(path.join(dir, file), 'utf8');
      parser.filename = file; // parse() stamps it on every object, which maps types to files
      const parsed = pb.parse(src, root, { keepCase: true });
      stats.files++;
      if (WIP_FILE.test(src)) wipFiles.add(file);
      for (const imp of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) visit(imp, file);
    } catch (e) {
      stats.failed.push({ file, reason: (e as Error).message });
    } finally {
      parser.filename = null;
    }
  };
  // Every well-known type is linked into Envoy, whether or not a v3 proto imports it.
  for (const file of Object.keys(common)) if (file.startsWith('google/protobuf/')) visit(file);
  for (const dir of deps.rootDirs) {
    const base = includeDirs.find((d) => dir.startsWith(d + path.sep)) ?? dir;
    for (const f of listProtos(dir, base)) {
      if (V2_SEGMENT.test(f)) {
        if (!seen.has(f)) stats.skipped++;
        seen.add(f);
        continue;
      }
      visit(f);
    }
  }
}

/** Resolve every message field separately so that one missing import costs one type, not all. */
function resolveTypes(pb: Protobuf, ns: PB.NamespaceBase, stats: LoadStats, wipFiles: Set<string>, wip: Set<string>): void {
  for (const obj of ns.nestedArray) {
    if (obj instanceof pb.Type) {
      stats.messageTypes++;
      const name = obj.fullName.slice(1);
      const opts = obj.options ?? {};
      if ((obj.filename && wipFiles.has(obj.filename)) || opts['(xds.annotations.v3.message_status).work_in_progress'] === true) {
        wip.add(name);
      }
      let failure: string | undefined;
      for (const field of obj.fieldsArray) {
        try {
          field.resolve();
        } catch (e) {
          failure ??= (e as Error).message;
        }
      }
      if (failure) stats.unresolved.push({ type: name, reason: failure });
      for (const oneof of obj.oneofsArray) oneof.resolve();
    } else if (obj instanceof pb.Enum) {
      stats.enums++;
    }
    if (obj instanceof pb.Namespace || obj instanceof pb.Type) resolveTypes(pb, obj, stats, wipFiles, wip);
  }
}

/** The slow path: parse every file and resolve every field, then leave the result for the next start. */
function parseTree(deps: Deps, key: string): { root: PB.Root; stats: LoadStats; wip: Set<string> } {
  const root = new deps.pb.Root();
  const stats: LoadStats = { files: 0, skipped: 0, failed: [], messageTypes: 0, enums: 0, unresolved: [], loadMs: 0 };
  const wipFiles = new Set<string>();
  const wip = new Set<string>();
  parseAll(deps, root, stats, wipFiles);
  resolveTypes(deps.pb, root, stats, wipFiles, wip);
  if (!cacheDisabled()) saveTree(deps.pb, root, wip, stats, key);
  return { root, stats, wip };
}

async function load(): Promise<EnvoyTypes> {
  const started = performance.now();
  const deps = await importDeps();
  const key = cacheKey(deps.versions, import.meta.url);
  const { root, stats, wip } = (cacheDisabled() ? undefined : restoreTree(deps.pb, key)) ?? parseTree(deps, key);
  stats.loadMs = performance.now() - started;
  const { Type, Enum } = deps.pb;
  const lookup = (name: string): PB.ReflectionObject | null => {
    try {
      return root.lookup(name.startsWith('.') ? name : `.${name}`);
    } catch {
      return null;
    }
  };
  return {
    root,
    stats,
    wip,
    lookupMessage: (name) => {
      const t = lookup(name);
      return t instanceof Type ? t : undefined;
    },
    lookupEnum: (name) => {
      const e = lookup(name);
      return e instanceof Enum ? e : undefined;
    },
  };
}

let cached: Promise<EnvoyTypes> | undefined;

/** Loads the whole v3 tree once per process; later calls return the same object. */
export function loadEnvoyTypes(): Promise<EnvoyTypes> {
  cached ??= load().catch((e: unknown) => {
    cached = undefined; // let a later call retry, e.g. after the dependencies are installed
    throw e;
  });
  return cached;
}

/** Like loadEnvoyTypes, but null when the dev dependencies are missing (production install). */
export async function tryLoadEnvoyTypes(): Promise<EnvoyTypes | null> {
  try {
    return await loadEnvoyTypes();
  } catch {
    return null;
  }
}
