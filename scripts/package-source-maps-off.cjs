// Loaded first in every test process (`--require` in .taprc's node-arg, ahead of tap's own preloads): source maps
// stay on for the project's files but off for packages. tap's process-info hook turns source maps on and then
// asks Node for the map of every module the process loads, ~150 of tap's own among them, and Node parses each
// map it is asked for: ~0.3 s of CPU in every test file (0.82 → 0.52 s for a file with one assertion), ~50 s
// a run. A test has no use for a package's map: failures point into the project's files, whose maps stay, and
// coverage is reported for the project's files only.
'use strict';
const { setSourceMapsSupport } = require('node:module');

process.setSourceMapsEnabled = (enabled) => setSourceMapsSupport(enabled, { nodeModules: false, generatedCode: false });
process.setSourceMapsEnabled(true);
