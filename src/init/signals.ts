// As PID 1 the kernel drops every signal that has no JS listener — SIGTERM included — and SIGUSR1
// without a listener opens Node's inspector. So every signal we care about gets a listener here, and
// is turned into one named event for whoever runs the show.

export type AgentSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGUSR1' | 'SIGUSR2' | 'SIGQUIT';
export const agentSignals: readonly AgentSignal[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGQUIT'];

/** Install one listener per signal; returns a function that removes them. */
export function routeSignals(onSignal: (signal: AgentSignal) => void): () => void {
  const listeners = agentSignals.map((signal) => {
    const listener = (): void => onSignal(signal);
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}
