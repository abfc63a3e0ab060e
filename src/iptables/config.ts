// From the command line and the environment to one resolved configuration, the way Istio 1.5's
// cobra+viper did it: an explicit flag wins, then a non-empty environment variable, then the default.
import { readFileSync } from 'node:fs';
import { parseGoDuration } from '../flags/duration.js';
import { parseGoBool } from '../flags/go-bool.js';
import { splitCidrs, type CidrSets } from './cidr.js';
import { badValue, checkInterfaces, checkMark, checkOwnerList, checkPort, checkPortList, checkRouteTable, type ValueSource } from './flag-values.js';
import { envVarOf, findLong, type FlagDef } from './flags.js';
import { firstNonLoopback, type HostAddress } from './host-ip.js';
import type { ParsedFlags } from './parse-flags.js';

export interface IptablesConfig {
  readonly proxyPort: string;
  readonly inboundCapturePort: string;
  readonly proxyUid: string;
  readonly proxyGid: string;
  /** As given; only exactly "TPROXY" selects TPROXY, anything else means REDIRECT (as in Istio). */
  readonly interceptionMode: string;
  readonly tproxyMark: string;
  readonly tproxyRouteTable: string;
  readonly inboundPorts: string;
  readonly inboundExcludePorts: string;
  readonly outboundIncludeCidrs: string;
  readonly outboundExcludeCidrs: string;
  readonly outboundExcludePorts: string;
  readonly kubevirtInterfaces: string;
  readonly enableInboundIpv6: boolean;
  readonly hostIp: string;
  readonly dryRun: boolean;
  readonly restoreFormat: boolean;
  readonly probePort: string;
  readonly probeTimeoutMs: number;
  readonly skipRuleApply: boolean;
  readonly runValidation: boolean;
  /** Parsed `-i` and `-x`. */
  readonly include: CidrSets;
  readonly exclude: CidrSets;
}

export interface ResolveContext {
  readonly env: NodeJS.ProcessEnv;
  readonly warn: (line: string) => void;
  readonly hostAddress?: () => HostAddress;
  readonly passwdPath?: string;
}

interface Resolved {
  readonly value: string;
  readonly source: ValueSource;
}

function resolve(flags: ParsedFlags, env: NodeJS.ProcessEnv, long: string): Resolved {
  const def = findLong(long) as FlagDef;
  const name = def.short ? `-${def.short}/--${def.long}` : `--${def.long}`;
  const given = flags.explicit.get(long);
  if (given !== undefined) return { value: given, source: { name, fromEnv: false } };
  const fromEnv = env[envVarOf(def)];
  if (fromEnv) return { value: fromEnv, source: { name: `$${envVarOf(def)} (${name})`, fromEnv: true } };
  return { value: def.defaultValue, source: { name, fromEnv: false } };
}

function resolveBool(flags: ParsedFlags, env: NodeJS.ProcessEnv, long: string): boolean {
  const r = resolve(flags, env, long);
  const b = parseGoBool(r.value);
  if (b === undefined) throw badValue(r.source, r.value, 'true or false');
  return b;
}

/** UID of the user named $ENVOY_USER (default istio-proxy), or 1337; root (0) is always added. */
function defaultProxyUid(env: NodeJS.ProcessEnv, passwdPath: string): string {
  const user = env.ENVOY_USER || 'istio-proxy';
  let uid = '1337';
  try {
    const line = readFileSync(passwdPath, 'utf8').split('\n').find((l) => l.split(':')[0] === user);
    const field = line?.split(':')[2];
    if (field && /^\d+$/.test(field)) uid = field;
  } catch {
    // no passwd file: the lookup failed, which Istio answers with 1337 too
  }
  return `${uid},0`;
}

export function resolveConfig(flags: ParsedFlags, ctx: ResolveContext): IptablesConfig {
  const get = (long: string): Resolved => resolve(flags, ctx.env, long);
  const port = (long: string): string => checkPort(get(long).source, get(long).value);
  const portList = (long: string, wildcard: boolean): string => checkPortList(get(long).source, get(long).value, wildcard);

  const uid = get('proxy-uid');
  const proxyUid = uid.value === '' ? defaultProxyUid(ctx.env, ctx.passwdPath ?? '/etc/passwd') : checkOwnerList(uid.source, uid.value);
  const gid = get('proxy-gid');
  const proxyGid = gid.value === '' ? proxyUid : checkOwnerList(gid.source, gid.value);

  const mode = get('istio-inbound-interception-mode').value;
  if (mode !== '' && mode !== 'REDIRECT' && mode !== 'TPROXY') {
    ctx.warn(`warning: interception mode ${JSON.stringify(mode)} is neither REDIRECT nor TPROXY; generating REDIRECT rules`);
  }

  const exclude = get('istio-service-exclude-cidr');
  const excludeSets = splitCidrs(exclude.value, ctx.warn);
  if (excludeSets.wildcard) throw badValue(exclude.source, exclude.value, 'a comma-separated list of CIDRs to leave alone; "*" cannot be excluded');

  const timeout = get('probe-timeout');
  const probeTimeoutMs = parseGoDuration(timeout.value);
  if (probeTimeoutMs === undefined || !(probeTimeoutMs > 0)) throw badValue(timeout.source, timeout.value, 'a positive duration such as 5s or 500ms');

  const values = {
    proxyPort: port('envoy-port'),
    inboundCapturePort: port('inbound-capture-port'),
    proxyUid,
    proxyGid,
    interceptionMode: mode,
    tproxyMark: checkMark(get('istio-inbound-tproxy-mark').source, get('istio-inbound-tproxy-mark').value),
    tproxyRouteTable: checkRouteTable(get('istio-inbound-tproxy-route-table').source, get('istio-inbound-tproxy-route-table').value),
    inboundPorts: portList('istio-inbound-ports', true),
    inboundExcludePorts: portList('istio-local-exclude-ports', false),
    outboundIncludeCidrs: get('istio-service-cidr').value,
    outboundExcludeCidrs: exclude.value,
    outboundExcludePorts: portList('istio-local-outbound-ports-exclude', false),
    kubevirtInterfaces: checkInterfaces(get('kube-virt-interfaces').source, get('kube-virt-interfaces').value),
    dryRun: resolveBool(flags, ctx.env, 'dry-run'),
    restoreFormat: resolveBool(flags, ctx.env, 'restore-format'),
    probePort: port('iptables-probe-port'),
    probeTimeoutMs,
    skipRuleApply: resolveBool(flags, ctx.env, 'skip-rule-apply'),
    runValidation: resolveBool(flags, ctx.env, 'run-validation'),
    include: splitCidrs(get('istio-service-cidr').value, ctx.warn),
    exclude: excludeSets,
  };
  // Last, like Istio: only a valid command line gets as far as looking at the interfaces.
  const host = (ctx.hostAddress ?? firstNonLoopback)();
  return { ...values, enableInboundIpv6: host.ipv6, hostIp: host.address };
}

export function isTproxy(config: IptablesConfig): boolean {
  return config.interceptionMode === 'TPROXY';
}
