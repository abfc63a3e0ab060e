import { runKubeInject } from '../../inject/command.js';

/** `pilot-agent kube-inject`: see src/inject/ (sidecar injection as istioctl 1.5 does it). */
export function kubeInjectCommand(argv: readonly string[]): Promise<number> {
  return runKubeInject(argv);
}
