import { InputError } from './input-error.js';
import type { PodContext } from './pod-context.js';
import type { ContainerView } from './pod-view.js';

// --wrapJobCommand: a Job (or CronJob) with a classic sidecar never completes, because istio-proxy keeps
// running after the app. Asked explicitly — it changes the app container's command — the app's command
// is wrapped in `pilot-agent wait --stopProxyOnExit --`: start once the proxy is ready, then stop the
// proxy when done; the container keeps the command's exit code. The app image must contain pilot-agent.

export interface CommandRewrite {
  readonly containerIndex: number;
  readonly command: readonly string[];
}

const jobKinds = new Set(['Job', 'CronJob']);

export function jobCommandRewrite(ctx: PodContext, native: boolean, warn: (line: string) => void): CommandRewrite | undefined {
  if (!ctx.cfg.wrapJobCommand || native || !jobKinds.has(ctx.owner.kind)) return undefined;
  const where = `${ctx.owner.kind} "${ctx.owner.name}"`;
  const containers = ctx.pod.containers;
  if (containers.length !== 1) {
    // Each wrapper would stop the proxy when its own command ends, under the others still running.
    throw new InputError(`--wrapJobCommand: ${where} has ${containers.length} containers; only a single-container Job can be wrapped (or use native sidecars, --nativeSidecar)`, [...ctx.pod.specPath, 'containers']);
  }
  const app: ContainerView = containers[0]!;
  if (!app.command) {
    throw new InputError(`--wrapJobCommand: container "${app.name}" of ${where} has no command (its image's ENTRYPOINT runs, which kube-inject cannot see): write that entrypoint as the container's command, or use native sidecars (--nativeSidecar)`, [...ctx.pod.specPath, 'containers', 0]);
  }
  const port = ctx.traffic.statusPort;
  if (port === 0) throw new InputError(`--wrapJobCommand: ${where} has the status port turned off (${'status.sidecar.istio.io/port'}: 0); the wrapper stops the proxy through it`, [...ctx.pod.metaPath, 'annotations']);
  const wrapper = ['pilot-agent', 'wait', '--stopProxyOnExit', ...(port === 15020 ? [] : ['--statusPort', String(port)]), '--'];
  if (ctx.pod.restartPolicy === 'OnFailure') {
    warn(`${where}: restartPolicy OnFailure restarts a failed command in the same pod, whose proxy the wrapper has already stopped (the retry then waits for a proxy that is gone); restartPolicy Never retries in a new pod`);
  }
  return { containerIndex: 0, command: [...wrapper, ...app.command] };
}
