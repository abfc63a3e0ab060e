// SO_ORIGINAL_DST: where a REDIRECTed connection was really going. Node has no API for it, so
// getsockopt(2) is called through koffi (already the agent's FFI), loaded on first use only.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

const SOL_IP = 0;
const SOL_IPV6 = 41;
const SO_ORIGINAL_DST = 80; // same number for IPv4 and IP6T_SO_ORIGINAL_DST

export interface OriginalDestination {
  readonly address: string;
  readonly port: number;
}

function bind() {
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const libc = koffi.load('libc.so.6');
  return {
    errno: () => koffi.errno(),
    getsockopt: libc.func('int getsockopt(int fd, int level, int name, _Out_ uint8_t *value, _Inout_ uint32_t *length)'),
  };
}
let bound: ReturnType<typeof bind> | undefined;

/** The socket's file descriptor (libuv keeps it on the handle of a connected TCP socket). */
function fdOf(socket: Socket): number {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('socket has no file descriptor');
  return fd;
}

/** Throws when the connection was not redirected (no conntrack NAT entry: ENOENT). */
export function originalDestination(socket: Socket): OriginalDestination {
  const lib = (bound ??= bind());
  const ipv6 = socket.remoteFamily === 'IPv6' && !socket.remoteAddress?.startsWith('::ffff:');
  const value = Buffer.alloc(28);
  const length = [value.length];
  if (lib.getsockopt(fdOf(socket), ipv6 ? SOL_IPV6 : SOL_IP, SO_ORIGINAL_DST, value, length) !== 0) {
    throw new Error(`getsockopt(SO_ORIGINAL_DST) failed: errno ${lib.errno()}`);
  }
  const port = value.readUInt16BE(2);
  if (!ipv6) return { address: [...value.subarray(4, 8)].join('.'), port };
  const words = Array.from({ length: 8 }, (_, i) => value.readUInt16BE(8 + i * 2).toString(16));
  return { address: words.join(':'), port };
}
