// In ESM, `import … from 'node:http'` builds a facade that reads every export, and node:http's lazy WebSocket
// getters then load Node's bundled undici: ~70 ms of CPU in each process (the agent, every stub start, every
// test file), measured with Node 24. Code that runs takes node:http through process.getBuiltinModule; type-only
// imports vanish at run time and stay allowed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { repoRoot } from '../helpers/agent.js';

/** The files whose run-time imports of node:http would pay for undici. */
export function eagerHttpImports(files: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    for (const m of text.matchAll(/^\s*import\s+(?!type\b)[^;]*?from\s*['"](?:node:)?https?['"]/gm)) {
      if (!/from\s*['"](?:node:)?https['"]/.test(m[0])) found.push(`${file}: ${m[0].trim()}`);
    }
    if (/\bimport\(\s*['"](?:node:)?http['"]\s*\)/.test(text)) found.push(`${file}: import('node:http')`);
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return (readdirSync(join(repoRoot, dir), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
}

t.test('no code that runs imports node:http as an ES module', async (t) => {
  const dirs = ['src', 'tools/envoy-stub/src', 'tools/xds-server/src', 'tools/ca-server/src', 'test'];
  const scanned = dirs.flatMap(tsFiles).filter((f) => f !== 'test/architecture/node-http-import.test.ts'); // its cases are data
  const files = new Map(scanned.map((f) => [f, readFileSync(join(repoRoot, f), 'utf8')]));
  t.ok(files.size > 200, 'the sources were found');
  t.same(eagerHttpImports(files), []);
});

t.test('a value import of node:http is reported; type imports and node:https are not', async (t) => {
  const files = new Map([
    ['a.ts', "import { createServer } from 'node:http';"],
    ['b.ts', "import type { Server } from 'node:http';\nimport { request } from 'node:https';"],
    ['c.ts', "import http, { type Server } from 'http';"],
    ['d.ts', "const http = await import('node:http');"],
  ]);
  t.same(eagerHttpImports(files), [
    "a.ts: import { createServer } from 'node:http'",
    "c.ts: import http, { type Server } from 'http'",
    "d.ts: import('node:http')",
  ]);
});
