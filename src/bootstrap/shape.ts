import { AgentError, ErrorCodes } from '../errors/index.js';

// A template may be any JSON; what it renders must still be something this agent can run. Not a
// full Envoy validation (that is envoy's job, and the stub's in tests): only the parts the agent
// itself depends on, so "null" or {"foo":1} is exit 2 at start instead of a crash loop.

/** Throws BOOTSTRAP_INVALID unless `bootstrap` is an object with a node and the admin port the agent talks to. */
export function checkBootstrapShape(bootstrap: unknown, source: string, adminPort: number): void {
  const fail = (what: string): AgentError =>
    new AgentError(ErrorCodes.BOOTSTRAP_INVALID, `the bootstrap rendered from ${source} ${what}; see bootstrap-templates/README.md`);
  if (!isObject(bootstrap)) throw fail(`is ${kind(bootstrap)}, not a JSON object`);
  if (!isObject(bootstrap.node)) throw fail('has no "node" object (envoy\'s identity towards istiod)');
  const socket = isObject(bootstrap.admin) && isObject(bootstrap.admin.address) ? bootstrap.admin.address.socket_address : undefined;
  // The agent reads readiness, stats and drains through envoy's admin API on --proxyAdminPort.
  if (!isObject(socket)) throw fail('has no admin.address.socket_address (the agent reaches envoy through its admin API)');
  if (typeof socket.address !== 'string' || socket.address === '') throw fail('has no admin.address.socket_address.address');
  const port = typeof socket.port_value === 'string' && /^\d+$/.test(socket.port_value) ? Number(socket.port_value) : socket.port_value;
  if (port !== adminPort) {
    throw fail(`has admin port_value ${JSON.stringify(socket.port_value)}, expected ${adminPort} (--proxyAdminPort; use "{{admin_port}}")`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
