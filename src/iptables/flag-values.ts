// Checks on flag values. Istio 1.5 checked nothing and let iptables-restore fail later with
// "line N failed"; we say up front which flag is wrong, with the value and what would be right.
import { AgentError, ErrorCodes } from '../errors/index.js';
import { splitList } from './cidr.js';

/** Where a value came from, for the error line: "-p/--envoy-port" or "$ENVOY_PORT (-p/--envoy-port)". */
export interface ValueSource {
  readonly name: string;
  readonly fromEnv: boolean;
}

export function badValue(source: ValueSource, value: string, expected: string): AgentError {
  const code = source.fromEnv ? ErrorCodes.BAD_ENV : ErrorCodes.USAGE;
  return new AgentError(code, `invalid value ${JSON.stringify(value)} for ${source.name}: ${expected}`);
}

function isPortNumber(text: string, min: number): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) >= min && Number(text) <= 65535;
}

export function checkPort(source: ValueSource, value: string): string {
  if (!isPortNumber(value, 1)) throw badValue(source, value, 'a port number from 1 to 65535');
  return value;
}

/** Destination-port list items: a port or an iptables range "low:high". */
export function checkPortList(source: ValueSource, value: string, allowWildcard: boolean): string {
  if (allowWildcard && value === '*') return value;
  const ok = splitList(value).every((item) => {
    const [low = '', high, extra] = item.split(':');
    if (extra !== undefined || !isPortNumber(low, 0)) return false;
    return high === undefined || (isPortNumber(high, 0) && Number(high) >= Number(low));
  });
  const expected = `a comma-separated list of ports (0-65535, or low:high ranges)${allowWildcard ? ', or "*" alone for all ports' : ''}`;
  if (!ok) throw badValue(source, value, expected);
  return value;
}

/** What iptables' owner match takes: numeric ids, "low-high" ranges, or user/group names. */
export function checkOwnerList(source: ValueSource, value: string): string {
  const ok = splitList(value).every((item) => /^\d+(-\d+)?$/.test(item) || /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(item));
  if (!ok) throw badValue(source, value, 'a comma-separated list of numeric ids or names');
  return value;
}

export function checkMark(source: ValueSource, value: string): string {
  const n = /^0x[0-9a-fA-F]{1,8}$/.test(value) ? parseInt(value, 16) : /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(n > 0 && n <= 0xffffffff)) throw badValue(source, value, 'a non-zero 32-bit fwmark (decimal or 0x hex)');
  return value;
}

export function checkRouteTable(source: ValueSource, value: string): string {
  const numeric = /^\d{1,10}$/.test(value) && Number(value) > 0 && Number(value) <= 0xffffffff;
  if (!numeric && !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(value)) throw badValue(source, value, 'a routing table number or name');
  return value;
}

export function checkInterfaces(source: ValueSource, value: string): string {
  const ok = splitList(value).every((item) => /^[^\s,/:'"]{1,15}$/.test(item));
  if (!ok) throw badValue(source, value, 'a comma-separated list of interface names (at most 15 characters each)');
  return value;
}
