// Every istio-iptables flag as Istio 1.5 declared it: long name, pflag shorthand, kind, default and
// help text. The environment variable is the long name upper-cased with dashes as underscores
// (viper's AutomaticEnv with a "-"→"_" replacer), so it is derived, not listed.

export type FlagKind = 'string' | 'bool' | 'duration';

export interface FlagDef {
  readonly long: string;
  readonly short?: string;
  readonly kind: FlagKind;
  /** The value when neither the flag nor its environment variable is set ('' = derived later). */
  readonly defaultValue: string;
  readonly help: string;
}

export const flagDefs: readonly FlagDef[] = [
  { long: 'envoy-port', short: 'p', kind: 'string', defaultValue: '15001', help: 'Specify the envoy port to which redirect all TCP traffic' },
  { long: 'inbound-capture-port', short: 'z', kind: 'string', defaultValue: '15006', help: 'Port to which all inbound TCP traffic to the pod/VM should be redirected to' },
  { long: 'proxy-uid', short: 'u', kind: 'string', defaultValue: '', help: 'Specify the UID of the user for which the redirection is not applied. Typically, this is the UID of the proxy container' },
  { long: 'proxy-gid', short: 'g', kind: 'string', defaultValue: '', help: 'Specify the GID of the user for which the redirection is not applied. (the same as -u when unset)' },
  { long: 'istio-inbound-interception-mode', short: 'm', kind: 'string', defaultValue: '', help: 'The mode used to redirect inbound connections to Envoy, either "REDIRECT" or "TPROXY"' },
  { long: 'istio-inbound-ports', short: 'b', kind: 'string', defaultValue: '', help: 'Comma separated list of inbound ports for which traffic is to be redirected to Envoy (optional). The wildcard character "*" can be used to configure redirection for all ports. An empty list will disable' },
  { long: 'istio-local-exclude-ports', short: 'd', kind: 'string', defaultValue: '', help: 'Comma separated list of inbound ports to be excluded from redirection to Envoy (optional). Only applies when all inbound traffic (i.e. "*") is being redirected' },
  { long: 'istio-service-cidr', short: 'i', kind: 'string', defaultValue: '', help: 'Comma separated list of IP ranges in CIDR form to redirect to envoy (optional). The wildcard character "*" can be used to redirect all outbound traffic. An empty list will disable all outbound' },
  { long: 'istio-service-exclude-cidr', short: 'x', kind: 'string', defaultValue: '', help: 'Comma separated list of IP ranges in CIDR form to be excluded from redirection. Only applies when all outbound traffic (i.e. "*") is being redirected' },
  { long: 'istio-local-outbound-ports-exclude', short: 'o', kind: 'string', defaultValue: '', help: 'Comma separated list of outbound ports to be excluded from redirection to Envoy' },
  { long: 'kube-virt-interfaces', short: 'k', kind: 'string', defaultValue: '', help: 'Comma separated list of virtual interfaces whose inbound traffic (from VM) will be treated as outbound' },
  { long: 'istio-inbound-tproxy-mark', short: 't', kind: 'string', defaultValue: '1337', help: 'fwmark used by TPROXY mode' },
  { long: 'istio-inbound-tproxy-route-table', short: 'r', kind: 'string', defaultValue: '133', help: 'policy-routing table used by TPROXY mode' },
  { long: 'dry-run', short: 'n', kind: 'bool', defaultValue: 'false', help: 'Do not call any external dependencies like iptables' },
  { long: 'restore-format', short: 'f', kind: 'bool', defaultValue: 'true', help: 'Print iptables rules in iptables-restore interpretable format' },
  { long: 'iptables-probe-port', kind: 'string', defaultValue: '15002', help: 'set listen port for failure detection' },
  { long: 'probe-timeout', kind: 'duration', defaultValue: '5s', help: 'failure detection timeout' },
  { long: 'skip-rule-apply', kind: 'bool', defaultValue: 'false', help: 'Skip iptables apply' },
  { long: 'run-validation', kind: 'bool', defaultValue: 'false', help: 'Validate iptables' },
];

export function envVarOf(def: FlagDef): string {
  return def.long.toUpperCase().replace(/-/g, '_');
}

export function findLong(name: string): FlagDef | undefined {
  return flagDefs.find((d) => d.long === name);
}

/** `--help` text in cobra's layout: shorthand column, long name, value type, help. */
export function usageText(): string {
  const rows = flagDefs.map((d) => {
    const names = `${d.short ? `-${d.short}, ` : '    '}--${d.long}${d.kind === 'bool' ? '' : ` ${d.kind}`}`;
    const dflt = d.kind === 'bool' ? (d.defaultValue === 'true' ? ' (default true)' : '') : d.defaultValue ? ` (default "${d.defaultValue}")` : '';
    return `  ${names.padEnd(52)} ${d.help}${dflt} [$${envVarOf(d)}]`;
  });
  return [
    'Script responsible for setting up port forwarding for Istio sidecar.',
    '',
    'Usage:',
    '  istio-iptables [flags]',
    '  pilot-agent istio-iptables [flags]',
    '',
    'Flags:',
    ...rows,
    `  ${'-h, --help'.padEnd(52)} help for istio-iptables`,
    '',
  ].join('\n');
}
