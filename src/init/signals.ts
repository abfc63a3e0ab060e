// As PID 1 the kernel drops every signal that has no JS listener — SIGTERM included — and SIGUSR1
// without a listener opens Node's inspector. So every signal we care about gets a listener here, and
// is turned into one named event for whoever runs the show.
//
// Two layers: guardSignals() (called first thing by main) listens for good, so no signal is ever
// dropped and the inspector never opens; while nobody routes, signals are held. routeSignals() hands
// them to a command, replaying what was held first (a SIGTERM during start-up still shuts down).
// Without the guard (unit tests), routeSignals listens only while routed, as before.
// Before either, bin/pilot-agent records signals from its first line (module loading takes tens of
// ms); the guard adopts that record.

export type AgentSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGUSR1' | 'SIGUSR2' | 'SIGQUIT';
export const agentSignals: readonly AgentSignal[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGQUIT'];

type Route = (signal: AgentSignal) => void;

const routes: Route[] = [];
const held: AgentSignal[] = [];
let guarded = false;
let onHeld: ((signal: AgentSignal) => void) | undefined;
const listeners = new Map<AgentSignal, () => void>();

/** What bin/pilot-agent leaves behind: the signals it saw, its listeners, when they were installed. */
interface EarlySignals {
  readonly received: AgentSignal[];
  readonly listeners: Map<AgentSignal, () => void>;
  /** performance.now() at installation: ms since the process started. */
  readonly listeningAtMs: number;
}
const earlyKey = Symbol.for('pilot-agent.early-signals');
const earlyRecord = (): EarlySignals | undefined => (globalThis as Record<symbol, EarlySignals | undefined>)[earlyKey];

/** Ours listen now: drop the entrypoint's listeners and hold what they recorded. */
function adoptEarlySignals(): void {
  const early = earlyRecord();
  if (!early) return;
  for (const [signal, listener] of early.listeners) process.off(signal, listener);
  early.listeners.clear();
  for (const signal of early.received.splice(0)) dispatch(signal);
}

/** When the first signal listeners were installed, in ms since the process started (for the log). */
export function signalsListeningAfterMs(): number | undefined {
  return earlyRecord()?.listeningAtMs;
}

function dispatch(signal: AgentSignal): void {
  const route = routes.at(-1);
  if (route) return route(signal);
  if (!held.includes(signal)) held.push(signal); // like the kernel: a pending signal does not queue twice
  onHeld?.(signal);
}

function listen(): void {
  if (listeners.size > 0) return;
  for (const signal of agentSignals) {
    const listener = (): void => dispatch(signal);
    process.on(signal, listener);
    listeners.set(signal, listener);
  }
}

function unlistenUnlessNeeded(): void {
  if (guarded || routes.length > 0) return;
  for (const [signal, listener] of listeners) process.off(signal, listener);
  listeners.clear();
}

/**
 * Listen for every agent signal from now on, holding those nobody routes yet. Idempotent.
 * `held` is told about each held signal (for a log line).
 */
export function guardSignals(options: { held?: (signal: AgentSignal) => void } = {}): void {
  onHeld = options.held ?? onHeld;
  guarded = true;
  listen();
  adoptEarlySignals();
}

/** Signals received while nobody routed them, oldest first. */
export function heldSignals(): readonly AgentSignal[] {
  return [...held];
}

/** Route every agent signal to `onSignal` (held ones first); returns a function that unroutes. */
export function routeSignals(onSignal: (signal: AgentSignal) => void): () => void {
  const route: Route = (signal) => onSignal(signal);
  routes.push(route);
  listen();
  // Replay after the caller has finished wiring up (runProxy routes, then starts the supervisor).
  if (held.length > 0) {
    setImmediate(() => {
      if (routes.at(-1) !== route) return; // unrouted meanwhile: keep holding
      for (const signal of held.splice(0)) onSignal(signal);
    });
  }
  return () => {
    const i = routes.lastIndexOf(route);
    if (i >= 0) routes.splice(i, 1);
    unlistenUnlessNeeded();
  };
}
