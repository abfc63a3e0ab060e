// Who is on the other end of an accepted unix socket: the kernel's SO_PEERCRED, read through koffi (already the
// agent's FFI for the reaper). The socket's 0600 mode keeps other uids out; this check also holds when root, to
// whom file modes do not apply, runs as another uid than envoy, or someone loosens the mode.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

const SOL_SOCKET = 1;
const SO_PEERCRED = 17; // Linux: struct ucred { pid_t pid; uid_t uid; gid_t gid; }

function bind() {
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  return koffi.load('libc.so.6').func('int getsockopt(int fd, int level, int name, _Out_ uint8_t *value, _Inout_ uint32_t *length)');
}
let getsockopt: ReturnType<typeof bind> | null | undefined;

/** The peer's uid, or undefined where the platform does not say (not Linux, no fd, no koffi). */
export function peerUid(socket: Socket): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return undefined;
  try {
    getsockopt ??= bind();
  } catch {
    getsockopt = null;
  }
  if (!getsockopt) return undefined;
  const cred = Buffer.alloc(12);
  const length = new Uint32Array([12]);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, length) !== 0) return undefined;
  return cred.readUInt32LE(4);
}
