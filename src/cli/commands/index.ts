export type Command = (argv: readonly string[]) => number | Promise<number>;

/**
 * Every `pilot-agent <command>`: each module owns its flags, help and behaviour, and is loaded only when
 * its command runs — `version` or a postStart `wait` should not pay for envoy supervision's imports.
 */
export const commands: Readonly<Record<string, { load: () => Promise<Command>; summary: string }>> = {
  proxy: { load: async () => (await import('./proxy.js')).proxyCommand, summary: 'generate the envoy bootstrap, start envoy and supervise it' },
  bootstrap: { load: async () => (await import('./bootstrap.js')).bootstrapCommand, summary: 'print the envoy bootstrap the proxy command would write' },
  wait: { load: async () => (await import('./wait.js')).waitCommand, summary: 'wait until the proxy is ready (optionally then run a command)' },
  request: { load: async () => (await import('./request.js')).requestCommand, summary: "make an HTTP request to envoy's admin or the agent's status port" },
  'istio-iptables': { load: async () => (await import('./istio-iptables.js')).istioIptablesCommand, summary: "set up the init container's traffic-capture rules" },
  'kube-inject': { load: async () => (await import('./kube-inject.js')).kubeInjectCommand, summary: 'add the istio-init container and the sidecar to workloads' },
  version: { load: async () => (await import('./version.js')).versionCommand, summary: 'print the version' },
};
