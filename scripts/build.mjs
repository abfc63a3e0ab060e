// npm run build: tsc -b for the agent and the three tools, then the agent's bundle. dist/ is kept between builds so
// tsc -b can skip what is current (a warm build: ~0.4 s instead of ~7 s of re-emitting every file at each npm test);
// what a deleted or renamed source left behind is removed first, so dist/ holds nothing tsc would not write now.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const projects = [
  { tsconfig: 'tsconfig.build.json', src: 'src', out: 'dist', keep: ['bundle'] },
  { tsconfig: 'tools/envoy-stub/tsconfig.json', src: 'tools/envoy-stub/src', out: 'tools/envoy-stub/dist', keep: [] },
  { tsconfig: 'tools/xds-server/tsconfig.json', src: 'tools/xds-server/src', out: 'tools/xds-server/dist', keep: [] },
  { tsconfig: 'tools/ca-server/tsconfig.json', src: 'tools/ca-server/src', out: 'tools/ca-server/dist', keep: [] },
];
const assets = [{ from: 'src/ca/istioca.proto', to: 'dist/ca/istioca.proto' }];

/** The source an output of tsc came from: `x.js`, `x.js.map`, `x.d.ts`, `x.d.ts.map` → `x.ts`. */
const sourceOf = (name) => /^(.*)\.(?:js|js\.map|d\.ts|d\.ts\.map)$/.exec(name)?.[1];

function prune(out, src, keep) {
  if (!existsSync(out)) return;
  for (const entry of readdirSync(out, { withFileTypes: true })) {
    if (keep.includes(entry.name)) continue;
    const path = join(out, entry.name);
    if (entry.isDirectory()) {
      prune(path, join(src, entry.name), []);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    const stem = sourceOf(entry.name);
    const isAsset = assets.some((a) => a.to === path);
    if (!isAsset && !(stem && existsSync(join(src, `${stem}.ts`)))) rmSync(path);
  }
}

for (const p of projects) prune(p.out, p.src, p.keep);
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', ...projects.map((p) => p.tsconfig)], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
for (const a of assets) copyFileSync(a.from, a.to);
// esbuild names the chunks by content hash: the old ones would pile up.
rmSync('dist/bundle', { recursive: true, force: true });
await import('./bundle-agent.mjs');
