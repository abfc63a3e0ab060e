// Imported FIRST by src/cli/main.ts, so it is evaluated before every other module: from here on
// each ChildProcess is tracked (the reaper must know libuv's pids before anything can spawn) and
// every agent signal has a listener (as PID 1 none is dropped; SIGUSR1 never opens the inspector).
import { trackChildren } from './child-tracker.js';
import { guardSignals } from './signals.js';

trackChildren();
guardSignals();
