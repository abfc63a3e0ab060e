// Loaded first in every test process (`--require` in .taprc's node-arg, ahead of tap's own preloads).
//
// Source maps stay on for the project's files, off for packages. tap's process-info hook turns them on and then
// asks Node for the map of every module the process loads, ~150 of tap's own among them, and Node parses each map
// it is asked for: ~0.3 s of CPU in every test file (0.82 → 0.52 s for a file with one assertion), ~50 s a run.
// A test has no use for a package's map: failures point into the project's files, and coverage is reported for
// the project's files only.
//
// Not done here: V8's compile cache (module.enableCompileCache) saved another ~0.13 s per file, but modules
// compiled from it reported wrong branch coverage (supervisor/kill.ts: 100 → 62.5 %).
'use strict';
const { setSourceMapsSupport } = require('node:module');

process.setSourceMapsEnabled = (enabled) => setSourceMapsSupport(enabled, { nodeModules: false, generatedCode: false });
process.setSourceMapsEnabled(true);
