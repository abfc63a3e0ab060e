// The capture rules, in Istio 1.5's emission order as the 1.5.x line finally behaved:
// `--to-ports` (1.5.3), conntrack instead of `-m socket` without the duplicate (1.5.2) and empty
// list items dropped (1.5.8). Each rule is (table, chain, params); the order is the output order.
import { splitList } from './cidr.js';
import { isTproxy, type IptablesConfig } from './config.js';

export type Table = 'nat' | 'mangle';

export interface Rule {
  readonly table: Table;
  /** The chain the rule goes into (first use of a custom chain declares it). */
  readonly chain: string;
  /** Everything after `-t <table>`: ["-A", chain, ...] or ["-I", chain, "1", ...]. */
  readonly params: readonly string[];
}

/** An `ip` command the rules depend on; it runs before any iptables rule is applied. */
export interface IpCommand {
  readonly purpose: 'ipv6-passthrough-address' | 'tproxy-rule' | 'tproxy-route';
  readonly args: readonly string[];
}

export interface RulePlan {
  readonly ipCommands: readonly IpCommand[];
  readonly v4: readonly Rule[];
  readonly v6: readonly Rule[];
}

export const builtinChains = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);
export const istioChains = ['ISTIO_INBOUND', 'ISTIO_IN_REDIRECT', 'ISTIO_OUTPUT', 'ISTIO_REDIRECT', 'ISTIO_DIVERT', 'ISTIO_TPROXY'] as const;

const established = ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'];

class RuleList {
  readonly rules: Rule[] = [];
  append(table: Table, chain: string, ...params: string[]): void {
    this.rules.push({ table, chain, params: ['-A', chain, ...params] });
  }
  insertFirst(table: Table, chain: string, ...params: string[]): void {
    this.rules.push({ table, chain, params: ['-I', chain, '1', ...params] });
  }
}

interface Family {
  readonly list: RuleList;
  readonly localhost: string;
  readonly passthroughSource: string;
  readonly excludes: readonly string[];
  readonly includes: readonly string[];
}

export function buildRules(config: IptablesConfig): RulePlan {
  const ipCommands: IpCommand[] = [];
  const v4 = new RuleList();
  const v6 = new RuleList();
  // Envoy's inbound passthrough binds ::6 as its source; the address has to exist first.
  if (config.enableInboundIpv6) ipCommands.push({ purpose: 'ipv6-passthrough-address', args: ['-6', 'addr', 'add', '::6/128', 'dev', 'lo'] });

  addRedirectChains(config, v4);
  if (config.inboundPorts !== '') {
    if (isTproxy(config)) addTproxyInbound(config, v4, ipCommands);
    else addRedirectInbound(config, v4);
  }
  const family4: Family = { list: v4, localhost: '127.0.0.1/32', passthroughSource: '127.0.0.6/32', excludes: config.exclude.v4, includes: config.include.v4 };
  addOutput(config, family4);
  for (const nic of splitList(config.kubevirtInterfaces)) v4.insertFirst('nat', 'PREROUTING', '-i', nic, '-j', 'RETURN');
  addOutboundInclude(config, family4, 'ISTIO_REDIRECT');

  if (config.enableInboundIpv6) {
    // IPv6 is nat-only REDIRECT even in TPROXY mode, and has no kubevirt RETURN step of its own.
    addRedirectChains(config, v6);
    if (config.inboundPorts !== '') addRedirectInbound(config, v6);
    const family6: Family = { list: v6, localhost: '::1/128', passthroughSource: '::6/128', excludes: config.exclude.v6, includes: config.include.v6 };
    addOutput(config, family6);
    addOutboundInclude(config, family6, 'RETURN');
  }
  return { ipCommands, v4: v4.rules, v6: v6.rules };
}

function addRedirectChains(config: IptablesConfig, list: RuleList): void {
  list.append('nat', 'ISTIO_REDIRECT', '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', config.proxyPort);
  // -z only applies when all inbound ports are captured; a port list goes to the outbound port.
  const inboundTarget = config.inboundPorts === '*' ? config.inboundCapturePort : config.proxyPort;
  list.append('nat', 'ISTIO_IN_REDIRECT', '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', inboundTarget);
}

function addRedirectInbound(config: IptablesConfig, list: RuleList): void {
  list.append('nat', 'PREROUTING', '-p', 'tcp', '-j', 'ISTIO_INBOUND');
  if (config.inboundPorts === '*') {
    addInboundExclusions(config, list, 'nat');
    list.append('nat', 'ISTIO_INBOUND', '-p', 'tcp', '-j', 'ISTIO_IN_REDIRECT');
    return;
  }
  for (const port of splitList(config.inboundPorts)) list.append('nat', 'ISTIO_INBOUND', '-p', 'tcp', '--dport', port, '-j', 'ISTIO_IN_REDIRECT');
}

function addTproxyInbound(config: IptablesConfig, list: RuleList, ipCommands: IpCommand[]): void {
  const mark = config.tproxyMark;
  list.append('mangle', 'ISTIO_DIVERT', '-j', 'MARK', '--set-mark', mark);
  list.append('mangle', 'ISTIO_DIVERT', '-j', 'ACCEPT');
  // Marked packets are routed to the local stack through this table.
  ipCommands.push({ purpose: 'tproxy-rule', args: ['-f', 'inet', 'rule', 'add', 'fwmark', mark, 'lookup', config.tproxyRouteTable] });
  ipCommands.push({ purpose: 'tproxy-route', args: ['-f', 'inet', 'route', 'add', 'local', 'default', 'dev', 'lo', 'table', config.tproxyRouteTable] });
  list.append('mangle', 'ISTIO_TPROXY', '!', '-d', '127.0.0.1/32', '-p', 'tcp', '-j', 'TPROXY', '--tproxy-mark', `${mark}/0xffffffff`, '--on-port', config.proxyPort);
  list.append('mangle', 'PREROUTING', '-p', 'tcp', '-j', 'ISTIO_INBOUND');
  if (config.inboundPorts === '*') {
    addInboundExclusions(config, list, 'mangle');
    list.append('mangle', 'ISTIO_INBOUND', '-p', 'tcp', ...established, '-j', 'ISTIO_DIVERT');
    list.append('mangle', 'ISTIO_INBOUND', '-p', 'tcp', '-j', 'ISTIO_TPROXY');
    return;
  }
  for (const port of splitList(config.inboundPorts)) {
    list.append('mangle', 'ISTIO_INBOUND', '-p', 'tcp', '--dport', port, ...established, '-j', 'ISTIO_DIVERT');
    list.append('mangle', 'ISTIO_INBOUND', '-p', 'tcp', '--dport', port, '-j', 'ISTIO_TPROXY');
  }
}

/** SSH is always exempt in 1.5; then the -d ports (Envoy's Prometheus and status ports in a pod). */
function addInboundExclusions(config: IptablesConfig, list: RuleList, table: Table): void {
  for (const port of ['22', ...splitList(config.inboundExcludePorts)]) list.append(table, 'ISTIO_INBOUND', '-p', 'tcp', '--dport', port, '-j', 'RETURN');
}

function addOutput(config: IptablesConfig, family: Family): void {
  const { list, localhost } = family;
  list.append('nat', 'OUTPUT', '-p', 'tcp', '-j', 'ISTIO_OUTPUT');
  for (const port of splitList(config.outboundExcludePorts)) list.append('nat', 'ISTIO_OUTPUT', '-p', 'tcp', '--dport', port, '-j', 'RETURN');
  // Envoy's inbound passthrough to the app must not loop back into Envoy.
  list.append('nat', 'ISTIO_OUTPUT', '-o', 'lo', '-s', family.passthroughSource, '-j', 'RETURN');
  const owners: Array<[string, string]> = [
    ...splitList(config.proxyUid).map((id): [string, string] => ['--uid-owner', id]),
    ...splitList(config.proxyGid).map((id): [string, string] => ['--gid-owner', id]),
  ];
  for (const [match, id] of owners) {
    // Envoy calling the pod's own IP over lo goes through inbound; the app's own lo traffic and
    // every other Envoy packet are left alone.
    list.append('nat', 'ISTIO_OUTPUT', '-o', 'lo', '!', '-d', localhost, '-m', 'owner', match, id, '-j', 'ISTIO_IN_REDIRECT');
    list.append('nat', 'ISTIO_OUTPUT', '-o', 'lo', '-m', 'owner', '!', match, id, '-j', 'RETURN');
    list.append('nat', 'ISTIO_OUTPUT', '-m', 'owner', match, id, '-j', 'RETURN');
  }
  list.append('nat', 'ISTIO_OUTPUT', '-d', localhost, '-j', 'RETURN');
  for (const cidr of family.excludes) list.append('nat', 'ISTIO_OUTPUT', '-d', cidr, '-j', 'RETURN');
}

/** `wildcardNicTarget`: what VM interfaces jump to under `-i *` (IPv6 says RETURN in 1.5). */
function addOutboundInclude(config: IptablesConfig, family: Family, wildcardNicTarget: string): void {
  const { list } = family;
  const nics = splitList(config.kubevirtInterfaces);
  if (config.include.wildcard) {
    list.append('nat', 'ISTIO_OUTPUT', '-j', 'ISTIO_REDIRECT');
    for (const nic of nics) list.insertFirst('nat', 'PREROUTING', '-i', nic, '-j', wildcardNicTarget);
    return;
  }
  if (family.includes.length === 0) return;
  for (const cidr of family.includes) {
    for (const nic of nics) list.insertFirst('nat', 'PREROUTING', '-i', nic, '-d', cidr, '-j', 'ISTIO_REDIRECT');
    list.append('nat', 'ISTIO_OUTPUT', '-d', cidr, '-j', 'ISTIO_REDIRECT');
  }
  list.append('nat', 'ISTIO_OUTPUT', '-j', 'RETURN');
}
