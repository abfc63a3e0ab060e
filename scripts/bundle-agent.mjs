// The agent as a few files instead of ~120: dist/bundle/ holds dist/cli/main.js and everything it imports
// from src, bundled by esbuild, with one chunk per lazily loaded part (each command, the envoy supervision,
// the scrape path) so nothing is loaded sooner than before. Packages stay external: they load from
// node_modules, on the paths that need them. Resolving and linking each small ESM module cost the agent
// ~100 ms of every start; bin/pilot-agent loads the bundle. Runs after tsc (it bundles tsc's output, whose
// source maps esbuild follows, so stack traces and coverage still point at src/).
// dist/bundle sits at the same depth as dist/<folder>/, so paths relative to a module stay right.
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'dist/cli/main.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
