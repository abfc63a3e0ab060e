import type { FlagSpec } from '../flags/flag-spec.js';

// kube-inject's flags, named as istioctl's. The shared parser knows only long flags, so istioctl's two
// short forms are expanded first.

export const kubeInjectFlags: readonly FlagSpec[] = [
  { name: 'filename', type: 'string', default: '', help: 'input file of Kubernetes YAML documents, - for stdin (short: -f)' },
  { name: 'output', type: 'string', default: '', help: 'write the result to this file instead of stdout (short: -o)' },
  { name: 'image', type: 'string', default: '', help: 'image of the istio-proxy and istio-init containers (this agent\'s image); default pilot-agent:<version>' },
  { name: 'meshConfigFile', type: 'string', default: '', help: 'mesh config YAML (defaultConfig: discoveryAddress, tracing, concurrency, ...), applied over Istio\'s defaults; default: a 1.5 install\'s mesh config' },
  { name: 'valuesFile', type: 'string', default: '', help: 'injection values YAML/JSON (global.proxy.*, global.hub/tag, ...), merged over Istio 1.5\'s defaults' },
  { name: 'nativeSidecar', type: 'bool', default: 'false', help: 'inject istio-proxy as a native sidecar (an init container with restartPolicy: Always; Kubernetes 1.29+); also ENABLE_NATIVE_SIDECARS=true; a pod\'s sidecar.istio.io/nativeSidecar annotation wins' },
  { name: 'wrapJobCommand', type: 'bool', default: 'false', help: 'Jobs and CronJobs with a classic sidecar: run the app\'s command under `pilot-agent wait --stopProxyOnExit --` so the proxy stops when it ends and the Job completes' },
];

const shortFlags: Readonly<Record<string, string>> = { '-f': '--filename', '-o': '--output' };

/** `-f x`, `-f=x` and `-fx` become `--filename x`; the same for `-o`. Everything after `--` is left alone. */
export function expandShortFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const short = arg.slice(0, 2);
    const long = shortFlags[short];
    if (!long) out.push(arg);
    else if (arg.length === 2) out.push(long);
    else out.push(`${long}=${arg.slice(arg[2] === '=' ? 3 : 2)}`);
  }
  return out;
}
