// `pilot-agent istio-iptables [flags]`: the init container's traffic-capture rules (src/iptables/).
import { runIstioIptables } from '../../iptables/run.js';

export function istioIptablesCommand(argv: readonly string[]): Promise<number> {
  return runIstioIptables(argv);
}
