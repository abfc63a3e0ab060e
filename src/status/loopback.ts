import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback: the only sources allowed to stop or drain the agent. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}
