#!/usr/bin/env bash
# npm test's pretest: the pinned real Envoy, the build (dist/, tools/*/dist/) and the type-check of src, test
# and tools. Build and type-check run side by side (each is one tsc, single-threaded); the type-check is
# incremental (its build info under node_modules/.cache), so a second run re-checks only what changed.
set -u
cd "$(dirname "$0")/.."
# A failed install prints its one line; the real-Envoy tests then fail and say how to fix it.
bash scripts/install-envoy.sh || true
npm run -s build &
build=$!
npm run -s typecheck
typecheck=$?
wait "$build"
built=$?
[ "$built" -eq 0 ] && [ "$typecheck" -eq 0 ]
