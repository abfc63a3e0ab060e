// Istio 1.5 decides "is this an IPv6 pod?" from the first non-loopback address of the host's
// interfaces; there is no flag for it. Without any such address it refuses to run (even dry).
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { AgentError, ErrorCodes } from '../errors/index.js';

export interface HostAddress {
  readonly address: string;
  readonly ipv6: boolean;
}

type InterfaceList = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** IPv4 addresses come before IPv6 ones in the kernel's dump (and so in Go's and libuv's lists). */
export function firstNonLoopback(list: InterfaceList = networkInterfaces()): HostAddress {
  const all = Object.values(list).flatMap((infos) => infos ?? []);
  const usable = all.filter((i) => !i.internal && !isLoopback(i.address));
  const first = usable.find((i) => i.family === 'IPv4') ?? usable[0];
  if (!first) throw new AgentError(ErrorCodes.SPAWN, 'no valid local IP address found (istio-iptables needs a non-loopback address to choose IPv4 or IPv6)');
  return { address: first.address, ipv6: first.family === 'IPv6' };
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}
