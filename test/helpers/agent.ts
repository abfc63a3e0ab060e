// Shared by the tests: run the real bin/pilot-agent (compiled dist) as a child process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const agentBin = `${repoRoot}bin/pilot-agent`;
export const stubBin = `${repoRoot}tools/envoy-stub/bin/envoy-stub`;

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /**
   * Kill the agent with SIGKILL after this long (code null): for inputs that once hung with SIGTERM
   * ignored, so a regression fails the test instead of hanging it. Default: 60 s, then SIGTERM.
   */
  readonly timeoutMs?: number;
  /** Working directory (Istio reads the downward API files relative to it: ./etc/istio/pod/…). */
  readonly cwd?: string;
}

/**
 * How the tests start Node for an agent: its coverage recorded by Node itself, not by tap's hook. tap puts
 * `--import <processinfo>` back into every child's NODE_OPTIONS, and that hook cost an agent more than its own
 * work (`bootstrap`: 0.15 against 0.08 s of CPU, some 600 times a run). NODE_V8_COVERAGE makes Node write the
 * same V8 coverage, source maps included, into the directory tap reports from, at ~0.01 s. Without coverage
 * (`--disable-coverage`) nothing is recorded. A test's own NODE_OPTIONS (e.g. --inspect) is passed on.
 */
export function nodeCommand(nodeOptions?: string): string[] {
  const coverage = process.env._TAPJS_PROCESSINFO_COVERAGE_ === '1' ? [`NODE_V8_COVERAGE=${repoRoot}.tap/coverage`] : [];
  const own = nodeOptions ? [`NODE_OPTIONS=${nodeOptions}`] : [];
  return ['/usr/bin/env', '-u', 'NODE_OPTIONS', ...coverage, ...own, process.execPath];
}

/** `node <file> <args>` as nodeCommand() starts it, for execFile and spawn. */
export function oneShot(file: string, args: readonly string[]): [string, string[]] {
  const [cmd, ...pre] = nodeCommand();
  return [cmd!, [...pre, file, ...args]];
}

/** Run pilot-agent to completion with a clean, explicit environment. */
export function runAgent(args: readonly string[], env: Record<string, string> = {}, opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      ...oneShot(agentBin, args),
      {
        env: { PATH: process.env.PATH ?? '', ...env },
        timeout: opts.timeoutMs ?? 60_000,
        killSignal: opts.timeoutMs === undefined ? 'SIGTERM' : 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code as number | null) : 0;
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
      },
    );
  });
}

/** What kubelet does to container args: $(VAR) → the container's env value when defined. */
export function kubeletExpand(args: readonly string[], env: Record<string, string>): string[] {
  return args.map((a) => a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string) => env[name] ?? m));
}

/** The istio-proxy container args exactly as the seed prints them (after `pilot-agent`). */
export const seedProxyArgs: readonly string[] = [
  'proxy', 'sidecar',
  '--domain', '$(POD_NAMESPACE).svc.cluster.local',
  '--configPath', '/etc/istio/proxy',
  '--binaryPath', '/usr/local/bin/envoy',
  '--serviceCluster', 'productpage.$(POD_NAMESPACE)',
  '--drainDuration', '45s',
  '--parentShutdownDuration', '1m0s',
  '--discoveryAddress', 'istiod.istio-system.svc:15012',
  '--zipkinAddress', 'zipkin.istio-system:9411',
  '--proxyLogLevel=warning',
  '--proxyComponentLogLevel=misc:error',
  '--connectTimeout', '10s',
  '--proxyAdminPort', '15000',
  '--concurrency', '2',
  '--controlPlaneAuthPolicy', 'NONE',
  '--dnsRefreshRate', '300s',
  '--statusPort', '15020',
  '--trust-domain=cluster.local',
  '--controlPlaneBootstrap=false',
];

/** The pod environment the seed's injector gives istio-proxy (downward API values filled in). */
export const seedPodEnv: Readonly<Record<string, string>> = {
  POD_NAME: 'productpage-v1-abc',
  POD_NAMESPACE: 'default',
  INSTANCE_IP: '10.1.2.3',
  SERVICE_ACCOUNT: 'bookinfo-productpage',
  HOST_IP: '10.0.0.7',
  ISTIO_META_POD_NAME: 'productpage-v1-abc',
  ISTIO_META_CONFIG_NAMESPACE: 'default',
  ISTIO_META_INTERCEPTION_MODE: 'REDIRECT',
  ISTIO_META_CLUSTER_ID: 'Kubernetes',
  ISTIO_META_WORKLOAD_NAME: 'productpage-v1',
  ISTIO_METAJSON_LABELS: '{"app":"productpage","version":"v1"}',
};

/** What kube-inject adds to istio-proxy's environment for the CA client by default (src/inject/proxy-env.ts, 1.5.1's template). */
export const injectedCaEnv: Readonly<Record<string, string>> = {
  JWT_POLICY: 'third-party-jwt',
  PILOT_CERT_PROVIDER: 'istiod',
  CA_ADDR: 'istio-pilot.istio-system.svc:15012',
};

/** Replace a flag's value in an arg list (both "--f v" and "--f=v" forms). */
export function withFlag(args: readonly string[], flag: string, value: string): string[] {
  const out = [...args];
  const i = out.indexOf(flag);
  if (i !== -1) out[i + 1] = value;
  else {
    const j = out.findIndex((a) => a.startsWith(`${flag}=`));
    if (j !== -1) out[j] = `${flag}=${value}`;
    else out.push(flag, value);
  }
  return out;
}
