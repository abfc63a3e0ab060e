import { bootstrapCommand } from './bootstrap.js';
import { istioIptablesCommand } from './istio-iptables.js';
import { kubeInjectCommand } from './kube-inject.js';
import { proxyCommand } from './proxy.js';
import { requestCommand } from './request.js';
import { versionCommand } from './version.js';
import { waitCommand } from './wait.js';

export type Command = (argv: readonly string[]) => number | Promise<number>;

/** Every `pilot-agent <command>`: each module owns its flags, help and behaviour. */
export const commands: Readonly<Record<string, { run: Command; summary: string }>> = {
  proxy: { run: proxyCommand, summary: 'generate the envoy bootstrap, start envoy and supervise it' },
  bootstrap: { run: bootstrapCommand, summary: 'print the envoy bootstrap the proxy command would write' },
  wait: { run: waitCommand, summary: 'wait until the proxy is ready (optionally then run a command)' },
  request: { run: requestCommand, summary: "make an HTTP request to envoy's admin or the agent's status port" },
  'istio-iptables': { run: istioIptablesCommand, summary: "set up the init container's traffic-capture rules" },
  'kube-inject': { run: kubeInjectCommand, summary: 'add the istio-init container and the sidecar to workloads' },
  version: { run: versionCommand, summary: 'print the version' },
};
