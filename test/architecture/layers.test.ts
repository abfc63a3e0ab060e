// The house rule (README, "Architecture"), checked: a folder of src/ imports only folders on a floor
// below its own. Each import statement of src/**/*.ts is an arrow; an arrow to the same floor (between
// two different folders) or upward fails, naming the file and the import.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// Floors from the ground up, as the code stands. `version` is src/version.ts.
const floors: readonly (readonly string[])[] = [
  ['errors', 'version'], // stable error codes; the package's name and version
  ['flags', 'fs'], // flag tables, parsing, --help, Go durations and bools; bounded, fstat-checked reads
  ['init', 'log'], // PID-1 duties (reaper, signals, final sweep); the logger
  ['metrics'], // the registry (reads process stats through init)
  ['inject', 'iptables', 'wait'], // the other programs: they share only the floors below
  ['config'], // flags + env → one frozen ProxyConfig
  ['envoy', 'bootstrap'], // one envoy process; ProxyConfig → rendered bootstrap
  ['certs'],
  ['sds', 'ca'], // serves the certificates' material to envoy (gRPC loads on envoy's first connection); gets it from istiod's CA
  ['supervisor'],
  ['status'], // built from options and a readiness source; imports nothing of the supervisor
  ['cli', 'commands'], // argv → one command (DESIGN.md calls the top floor commands/)
];

const srcRoot = fileURLToPath(new URL('../../src/', import.meta.url));

function floorOf(folder: string): number {
  return floors.findIndex((floor) => floor.includes(folder));
}

/** "config/build.ts" → "config"; "version.ts" or "version.js" → "version". */
function folderOf(file: string): string {
  return file.split('/')[0]!.replace(/\.[jt]s$/, '');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(srcRoot, join(e.parentPath, e.name)));
}

/** Relative specifiers of static imports, re-exports and dynamic import() calls. */
function importsOf(text: string): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)];
  return specifiers.map((m) => m[1]!);
}

/** Every arrow that does not point to a lower floor, as "file → import (why)". */
export function violations(files: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    const from = folderOf(file);
    for (const spec of importsOf(text)) {
      const target = normalize(join(dirname(file), spec));
      if (target.startsWith('..')) continue; // outside src/ (package.json and the like)
      const to = folderOf(target);
      if (to === from) continue;
      const [a, b] = [floorOf(from), floorOf(to)];
      if (a === -1 || b === -1) found.push(`${file} → ${spec} (${a === -1 ? from : to} has no floor in layers.test.ts)`);
      else if (b >= a) found.push(`${file} → ${spec} (${from} may not import ${to}: ${b > a ? 'a higher' : 'the same'} floor)`);
    }
  }
  return found;
}

t.test('every import of src/ points to a lower floor', async (t) => {
  const files = new Map(sourceFiles(srcRoot).map((f) => [f, readFileSync(join(srcRoot, f), 'utf8')]));
  t.ok(files.size > 50, 'the sources were found');
  t.same(violations(files), []);
});

t.test('an arrow upward or sideways is reported, with the file and the import', async (t) => {
  const files = new Map([
    ['config/build.ts', "import { parseArgs } from '../cli/parse-args.js';\nimport { x } from './local.js';"],
    ['inject/run.ts', "const m = await import('../iptables/run.js');"],
    ['flags/help.ts', "export { describeError } from '../errors/index.js';"],
  ]);
  t.same(violations(files), [
    'config/build.ts → ../cli/parse-args.js (config may not import cli: a higher floor)',
    'inject/run.ts → ../iptables/run.js (inject may not import iptables: the same floor)',
  ]);
});

/** Import cycles between files, type-only imports left out (they vanish at run time): each as "a → b → a". */
export function cycles(files: ReadonlyMap<string, string>): string[] {
  const edges = new Map<string, string[]>();
  for (const [file, text] of files) {
    const runtime = text.replace(/^\s*(?:import|export)\s+type\b[^;]*;/gm, '');
    edges.set(file, importsOf(runtime).map((spec) => normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts')).filter((f) => files.has(f)));
  }
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of files.keys()) if (!state.has(file)) visit(file);
  return found;
}

t.test('no import cycle between the files of src/', async (t) => {
  const files = new Map(sourceFiles(srcRoot).map((f) => [f, readFileSync(join(srcRoot, f), 'utf8')]));
  t.same(cycles(files), []);
});

t.test('a cycle is reported; a type-only import does not make one', async (t) => {
  const files = new Map([
    ['a/x.ts', "import { y } from './y.js';"],
    ['a/y.ts', "import { x } from './x.js';"],
    ['b/p.ts', "import type { Q } from './q.js';"],
    ['b/q.ts', "import { p } from './p.js';"],
  ]);
  t.same(cycles(files), ['a/x.ts → a/y.ts → a/x.ts']);
});
