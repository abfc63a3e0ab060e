import type { FlagSpec } from '../flags/flag-spec.js';

// Flag tables of `pilot-agent wait` and `pilot-agent request`. Names and defaults are Istio's
// (pilot/cmd/pilot-agent/app/{wait,request}.go), so injected postStart/preStop hooks work unchanged.
// The Kubernetes example is checked against these tables, so it cannot drift from the CLI.

export const waitFlags: readonly FlagSpec[] = [
  { name: 'url', type: 'string', default: 'http://localhost:15021/healthz/ready', help: 'readiness URL to poll; ready means HTTP 200' },
  { name: 'timeoutSeconds', type: 'uint', default: '60', help: 'give up after this many seconds (exit 255)' },
  { name: 'periodMillis', type: 'uint', default: '500', help: 'pause between attempts, in milliseconds (at least 1)' },
  { name: 'requestTimeoutMillis', type: 'uint', default: '500', help: 'per-attempt limit for connecting and reading the response, in milliseconds (at least 1)' },
  { name: 'stopProxyOnExit', type: 'bool', default: 'false', help: 'with a command: once it has exited, POST /quitquitquit to the agent on 127.0.0.1:--statusPort so the proxy drains and exits (a Job can complete); the exit code stays the command\'s' },
  { name: 'statusPort', type: 'port', default: '15020', help: "the agent's status port, for --stopProxyOnExit" },
];

/** The proxy's well-known ports `request` may talk to (Istio: admin, debug, status, health). */
export const defaultPorts = { admin: 15000, debug: 15004, status: 15020, health: 15021 } as const;

export const requestFlags: readonly FlagSpec[] = [
  { name: 'debug-port', type: 'port', default: String(defaultPorts.admin), help: "port to send the request to: envoy's admin, the agent's status port, envoy's health port or 15004" },
  { name: 'proxyAdminPort', type: 'port', default: String(defaultPorts.admin), help: 'the admin port the agent was started with (when not 15000); it is then the default and an allowed --debug-port' },
  { name: 'statusPort', type: 'port', default: String(defaultPorts.status), help: 'the status port the agent was started with (when not 15020); an allowed --debug-port' },
];
