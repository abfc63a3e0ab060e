// How the tests load TypeScript: Node 24's own type stripping, behind two in-thread module hooks, instead of tsx.
// tsx's hooks run JavaScript for every module a test process loads, tap's ~200 included: ~0.25 s of CPU per test
// file. Here resolution is Node's own, except that a relative `./x.js` written in TypeScript's ESM style finds
// `./x.ts` (tried only when the .js does not exist); and only the project's own .ts files are transformed: types
// are stripped in place (positions unchanged, so coverage needs no source map).
import { existsSync } from 'node:fs';

import { registerHooks, stripTypeScriptTypes } from 'node:module';

const ours = (url) => url.startsWith('file:') && !url.includes('/node_modules/');

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (err) {
      // TypeScript's ESM style: `./x.js` names `./x.ts`. Relative or absolute, from a test or from tap's
      // mockImport (which resolves from node_modules and appends a query).
      const js = err?.code === 'ERR_MODULE_NOT_FOUND' && /^(.*)\.js([?#].*)?$/.exec(specifier);
      if (!js) throw err;
      let asTs;
      try {
        asTs = new URL(`${js[1]}.ts${js[2] ?? ''}`, context.parentURL);
      } catch {
        throw err;
      }
      if (!ours(asTs.href) || !existsSync(new URL(asTs.pathname, 'file:'))) throw err;
      return nextResolve(asTs.href, context);
    }
  },
  load(url, context, nextLoad) {
    if (!ours(url) || !new URL(url).pathname.endsWith('.ts')) return nextLoad(url, context);
    const source = nextLoad(url, { ...context, format: 'module' }).source.toString();
    // Strip only: positions stay as written, so stack traces and coverage need no source map
    // (tsconfig's erasableSyntaxOnly keeps enums and parameter properties out).
    const code = stripTypeScriptTypes(source, { mode: 'strip' });
    return { format: 'module', source: code, shortCircuit: true };
  },
});

// TEST_CPU_LOG=<file>: each test process appends its own CPU and its reaped descendants' (agents, envoys, stubs) as
// one line when it exits, to find where a run's CPU goes.
if (process.env.TEST_CPU_LOG) {
  const { appendFileSync, readFileSync } = await import('node:fs');
  process.on('exit', () => {
    try {
      const f = readFileSync('/proc/self/stat', 'latin1').split(') ')[1].split(' ');
      const ticks = (i) => Number(f[i - 3]);
      const own = (ticks(14) + ticks(15)) / 100;
      const children = (ticks(16) + ticks(17)) / 100;
      appendFileSync(process.env.TEST_CPU_LOG, `${(own + children).toFixed(2)} ${own.toFixed(2)} ${children.toFixed(2)} ${process.argv[1]}\n`);
    } catch {
      // best effort
    }
  });
}
