// How the tests load TypeScript: Node 24's own type stripping, behind two in-thread module hooks, instead of tsx.
// tsx's hooks run JavaScript for every module a test process loads, tap's ~200 included: ~0.25 s of CPU per test
// file. Here resolution is Node's own, except that a relative `./x.js` written in TypeScript's ESM style finds
// `./x.ts`; and only the project's own .ts files are transformed. Types are stripped in place where the syntax
// allows (positions unchanged, so coverage needs no source map), otherwise transformed with an inline source map
// (parameter properties, enums).
import { existsSync } from 'node:fs';

import { registerHooks, stripTypeScriptTypes } from 'node:module';
import { fileURLToPath } from 'node:url';

const ours = (url) => url.startsWith('file:') && !url.includes('/node_modules/');

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.endsWith('.js') && (specifier.startsWith('.') || specifier.startsWith('/')) && context.parentURL && ours(context.parentURL)) {
      const asTs = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (!existsSync(new URL(specifier, context.parentURL)) && existsSync(asTs)) return nextResolve(asTs.href, context);
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (!url.endsWith('.ts') || !ours(url)) return nextLoad(url, context);
    const file = fileURLToPath(url);
    const source = nextLoad(url, { ...context, format: 'module' }).source.toString();
    let code;
    try {
      code = stripTypeScriptTypes(source, { mode: 'strip' });
    } catch {
      code = stripTypeScriptTypes(source, { mode: 'transform', sourceMap: true, sourceUrl: file });
    }
    return { format: 'module', source: code, shortCircuit: true };
  },
});
