#!/usr/bin/env bash
# npm test's pretest: the pinned real Envoy, the build (dist/, tools/*/dist/) and the type-check of src, test
# and tools. Build and type-check run side by side (each is one tsc, single-threaded); the type-check is
# incremental (its build info under node_modules/.cache), so a second run re-checks only what changed.
set -u
cd "$(dirname "$0")/.."
# A failed install prints its one line; the real-Envoy tests then fail and say how to fix it.
bash scripts/install-envoy.sh || true
# After the build, the stub's parsed Envoy API cache is filled once (~1 s when the loader changed, ~0.1 s when
# it is current): otherwise the first stubs of the run each parse ~900 .proto files at the same moment.
{ npm run -s build && node --input-type=module -e "await (await import('./tools/envoy-stub/dist/envoy-api/loader.js')).loadEnvoyTypes()"; } &
build=$!
# tap's runner, rebuilt before tap starts when its plugin list is stale (after npm ci): see the script's comment.
node scripts/tap-runner.mjs &
runner=$!
npm run -s typecheck
typecheck=$?
wait "$build"
built=$?
wait "$runner"
[ "$built" -eq 0 ] && [ "$typecheck" -eq 0 ]
