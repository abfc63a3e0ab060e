// Entry point of bin/istio-iptables, the name Istio 1.5's init container runs. Same behaviour as
// `pilot-agent istio-iptables`, without the agent's PID 1 machinery: it spawns only short-lived
// tools and waits for each of them.
import { describeError } from '../errors/index.js';
import { runIstioIptables } from './run.js';

let exitCode: number;
try {
  exitCode = await runIstioIptables(process.argv.slice(2));
} catch (e) {
  const d = describeError(e);
  process.stderr.write(`${d.line}\n`);
  exitCode = d.exitCode;
}
process.exitCode = exitCode;
