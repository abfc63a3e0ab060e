import { exchange, ExchangeError } from './http-exchange.js';

// `wait --stopProxyOnExit -- cmd`: when the command is done, ask the agent to stop (its POST
// /quitquitquit, which it accepts from loopback only) so the proxy drains and exits 0 and a Job's pod
// can complete — the classic-sidecar answer to "the Job never finishes". 127.0.0.1, not "localhost":
// the status server must see a loopback peer, whatever the resolver returns.

const stopTimeoutMs = 5_000;

/** undefined when the agent accepted; otherwise one line saying why not. */
export async function stopProxy(statusPort: number): Promise<string | undefined> {
  const url = `http://127.0.0.1:${statusPort}/quitquitquit`;
  try {
    const res = await exchange({ method: 'POST', url, timeoutMs: stopTimeoutMs });
    if (res.status === 200) return undefined;
    return `cannot stop the proxy: POST ${url} answered ${res.status}${res.body.trim() ? `: ${res.body.trim().split('\n')[0]!.slice(0, 200)}` : ''}`;
  } catch (e) {
    if (e instanceof ExchangeError) return `cannot stop the proxy: POST ${url}: ${e.reason}`;
    throw e;
  }
}
