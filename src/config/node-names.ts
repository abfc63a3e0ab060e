import { AgentError, ErrorCodes, flagError } from '../errors/index.js';

// The parts of Envoy's node id "<role>~<ip>~<id>~<domain>" and the names around it. Istio's
// ParseServiceNode splits the id on "~" and wants exactly four parts, so no part may hold one; a
// space, newline or control character would also break the id in logs, headers and istiod's view.
// Kubernetes names follow its own rules (DNS-1123), which Istio relies on to build the defaults.

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Visible ASCII except "~": what a node id part or envoy --service-cluster can carry safely. */
const visibleNoTilde = /^[!-}]+$/;
const maxNamePart = 253;

/** POD_NAMESPACE: a Kubernetes namespace is a DNS-1123 label. Empty means unset. */
export function checkNamespace(value: string): void {
  if (value === '') return;
  if (value.length > 63 || !dnsLabel.test(value)) {
    throw badEnv('POD_NAMESPACE', value, 'expected a Kubernetes namespace: at most 63 lowercase letters, digits or "-", starting and ending with a letter or digit');
  }
}

/** POD_NAME: a Kubernetes pod name is a DNS-1123 subdomain. Empty means unset. */
export function checkPodName(value: string): void {
  if (value === '') return;
  if (!isDnsSubdomain(value, false)) {
    throw badEnv('POD_NAME', value, 'expected a Kubernetes pod name: at most 253 lowercase letters, digits, "-" or ".", starting and ending with a letter or digit');
  }
}

/** --domain: a DNS suffix (any case, as DNS is case-insensitive); empty is allowed (Mock registry). */
export function checkDomain(flag: string, value: string): void {
  if (value === '') return;
  if (!isDnsSubdomain(value, true)) {
    throw flagError(flag, value, 'expected a DNS domain such as default.svc.cluster.local: labels of letters, digits and "-" separated by "."; no spaces or "~"');
  }
}

/** --id, --serviceCluster: anything printable that keeps the node id four "~"-separated parts. */
export function checkNodePart(flag: string, value: string): void {
  if (value.length > maxNamePart || !visibleNoTilde.test(value)) {
    throw flagError(flag, value, `expected 1 to ${maxNamePart} visible ASCII characters without spaces or "~" (envoy's node id is <role>~<ip>~<id>~<domain>)`);
  }
}

function isDnsSubdomain(value: string, anyCase: boolean): boolean {
  if (value.length > maxNamePart) return false;
  const text = anyCase ? value.toLowerCase() : value;
  return text.split('.').every((label) => label.length <= 63 && dnsLabel.test(label));
}

function badEnv(name: string, raw: string, expected: string): AgentError {
  return new AgentError(ErrorCodes.BAD_ENV, `invalid value ${JSON.stringify(raw)} for ${name}: ${expected}`);
}
