// A disk cache of the parsed Envoy API. Parsing ~900 .proto files costs 0.6–0.9 s of CPU, and the stub
// pays it at every start and every `--mode validate` (a test run starts it hundreds of times). Rebuilding
// the tree from protobufjs' JSON form costs ~0.1 s. The JSON form drops three things the validator needs,
// kept beside it: each type's file (messages name it), each field's parsedOptions (the PGV rules), and the
// load stats (the work-in-progress set and the types that could not be resolved); and protobufjs' own
// Enum.fromJSON drops each enum's valuesOptions (deprecated values), kept too.
//
// The key holds the versions of both packages the tree comes from and a hash of the loader's and this file's
// code, so a changed loader or an upgrade parses afresh while a rebuild of the same code does not. The file
// lives in node_modules/.cache, not dist/: `npm run build` empties dist/, and a cache it wipes at every
// `npm test` (pretest builds) made the first stubs of each run parse in parallel (several CPU-seconds).
// Writes go to a temporary name and are renamed: stubs starting at the same moment each read a whole file
// or none.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type * as PB from 'protobufjs';
import type { LoadStats } from './types.js';

interface CachedTree {
  readonly key: string;
  readonly nested: { [name: string]: PB.AnyNestedObject };
  /** fullName → file, for every type and enum that has one. */
  readonly files: Record<string, string>;
  /** field fullName → parsedOptions, for every field that has them. */
  readonly fieldOptions: Record<string, unknown>;
  /** enum fullName → valuesOptions (deprecated values): Enum.fromJSON drops them. */
  readonly enumValueOptions: Record<string, unknown>;
  readonly wip: string[];
  readonly stats: LoadStats;
}

export interface Restored {
  readonly root: PB.Root;
  readonly wip: Set<string>;
  readonly stats: LoadStats;
}

const here = fileURLToPath(import.meta.url);
/** src/ (in-process tests) or dist/ (the stub): one file each, so the two do not overwrite each other's. */
const flavour = path.basename(path.dirname(path.dirname(here)));
// tools/envoy-stub/{src,dist}/envoy-api/ → the repository root.
const repoRoot = path.resolve(path.dirname(here), '..', '..', '..', '..');
const cacheFile = path.join(repoRoot, 'node_modules', '.cache', 'envoy-stub', `envoy-types.${flavour}.json`);

/** The package versions, and what the loader and this file contain (a changed loader parses afresh). */
export function cacheKey(versions: readonly string[], loaderUrl: string): string {
  const hash = createHash('sha256');
  for (const file of [fileURLToPath(loaderUrl), here]) {
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update(`missing ${file}`);
    }
  }
  return [...versions, hash.digest('hex')].join('|');
}

export function cacheDisabled(): boolean {
  return process.env.ENVOY_STUB_TYPES_CACHE === '0';
}

function walk(ns: PB.NamespaceBase, pb: typeof PB, visit: (o: PB.ReflectionObject) => void): void {
  for (const o of ns.nestedArray) {
    visit(o);
    if (o instanceof pb.Type) for (const f of o.fieldsArray) visit(f);
    if (o instanceof pb.Namespace) walk(o, pb, visit);
  }
}

export function saveTree(pb: typeof PB, root: PB.Root, wip: ReadonlySet<string>, stats: LoadStats, key: string): void {
  const files: Record<string, string> = {};
  const fieldOptions: Record<string, unknown> = {};
  const enumValueOptions: Record<string, unknown> = {};
  walk(root, pb, (o) => {
    if (o instanceof pb.Field) {
      if (o.parsedOptions) fieldOptions[o.fullName] = o.parsedOptions;
      return;
    }
    if (o.filename) files[o.fullName] = o.filename;
    if (o instanceof pb.Enum && o.valuesOptions) enumValueOptions[o.fullName] = o.valuesOptions;
  });
  const tree: CachedTree = { key, nested: root.toJSON().nested ?? {}, files, fieldOptions, enumValueOptions, wip: [...wip], stats };
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(tree));
    renameSync(tmp, cacheFile);
  } catch {
    // a read-only tree: every start parses, as before
  }
}

/** One object and everything inside it (a type's fields and nested types). */
function visitTree(o: PB.ReflectionObject, pb: typeof PB, visit: (o: PB.ReflectionObject) => void): void {
  visit(o);
  if (o instanceof pb.Type) for (const f of o.fieldsArray) visit(f);
  if (o instanceof pb.Namespace) walk(o, pb, visit);
}

// A validation touches a few hundred of the ~6000 types (the bootstrap's own, and the extensions its
// typed_config names), and building all of them from JSON was most of a stub's start-up. So packages are
// built at once, but a type, enum or service only when its namespace is first asked for it by name — which
// is how every lookup and field resolution reaches it (protobufjs' lookup calls get() at each level).
// Extension fields (`extend`) are added at once: protobufjs wires them to their target when added.
function addLazily(pb: typeof PB, ns: PB.Namespace, nested: { [name: string]: PB.AnyNestedObject }, restore: (o: PB.ReflectionObject) => void): void {
  const pending = new Map<string, PB.AnyNestedObject>();
  for (const [name, json] of Object.entries(nested)) {
    const j = json as { fields?: unknown; values?: unknown; methods?: unknown; id?: unknown; options?: { [k: string]: unknown }; nested?: { [name: string]: PB.AnyNestedObject } };
    if (j.fields !== undefined || j.values !== undefined || j.methods !== undefined) {
      pending.set(name, json);
    } else if (j.id !== undefined) {
      ns.addJSON({ [name]: json });
      visitTree(ns.get(name)!, pb, restore);
    } else {
      const child = new pb.Namespace(name, j.options);
      ns.add(child);
      restore(child);
      addLazily(pb, child, j.nested ?? {}, restore);
    }
  }
  if (pending.size === 0) return;
  const get = ns.get;
  ns.get = function lazyGet(this: PB.Namespace, name: string) {
    const json = pending.get(name);
    if (json !== undefined) {
      pending.delete(name); // before addJSON: its duplicate check calls get() again
      this.addJSON({ [name]: json });
      visitTree(get.call(this, name)!, pb, restore);
    }
    return get.call(this, name);
  };
}

/** The cached tree when its key matches; undefined otherwise (missing, stale, unreadable). */
export function restoreTree(pb: typeof PB, key: string): Restored | undefined {
  let tree: CachedTree;
  try {
    tree = JSON.parse(readFileSync(cacheFile, 'utf8')) as CachedTree;
  } catch {
    return undefined;
  }
  if (tree.key !== key) return undefined;
  const root = new pb.Root();
  const restore = (o: PB.ReflectionObject): void => {
    if (o instanceof pb.Field) {
      const opts = tree.fieldOptions[o.fullName];
      if (opts) o.parsedOptions = opts as typeof o.parsedOptions;
      return;
    }
    const file = tree.files[o.fullName];
    if (file) o.filename = file;
    const valuesOptions = tree.enumValueOptions[o.fullName];
    if (valuesOptions && o instanceof pb.Enum) o.valuesOptions = valuesOptions as typeof o.valuesOptions;
  };
  addLazily(pb, root, tree.nested, restore);
  return { root, wip: new Set(tree.wip), stats: tree.stats };
}
