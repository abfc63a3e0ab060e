// What real Envoy's hot restart leaves on the host, read from /proc and /dev/shm: the listen sockets each process
// holds, the hot-restart domain sockets and shared memory of a base id, and the agent's own fds and RSS. Also a
// wrapper around the envoy binary that records every invocation, so a test sees `--mode validate` run first.
import { chmodSync, existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Inodes of the sockets listening on TCP `port` (every worker's, with reuse_port), from /proc/net/tcp{,6}. */
export function listeningInodes(port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[1]!.endsWith(`:${hex}`) && f[3] === '0A') inodes.add(f[9]!);
    }
  }
  return inodes;
}

/** Inodes of every socket a process holds open. */
export function socketInodesOf(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of safeReaddir(`/proc/${pid}/fd`)) {
    const m = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
    if (m) inodes.add(m[1]!);
  }
  return inodes;
}

export function openFds(pid: number): string[] {
  return safeReaddir(`/proc/${pid}/fd`).map((fd) => `${fd} → ${safeReadlink(`/proc/${pid}/fd/${fd}`)}`);
}

export function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

/**
 * The id in Envoy 1.40's socket names: 10 × base id + epoch % 3, computed in a signed 32-bit int and printed as an
 * unsigned 64-bit one, so a base id above 214748364 gives a name like `…_18446744073157992970` (seen by hand with
 * --base-id 374340865; its shared memory is still named `…_3743408650`). Parent and child agree, so it works.
 */
function socketId(baseId: number, epoch: number): string {
  const id = (baseId * 10 + (epoch % 3)) | 0;
  return String(id < 0 ? 2n ** 64n + BigInt(id) : BigInt(id));
}

/**
 * Envoy's hot-restart domain sockets of `baseId` (abstract names, so /proc/net/unix is where they show):
 * each process binds `envoy_domain_socket_{parent,child}_<id>` and the `udp_` pair.
 */
export function hotRestartSockets(baseId: number): string[] {
  const ids = new Set([0, 1, 2].map((k) => socketId(baseId, k)));
  const names: string[] = [];
  for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
    const path = line.trim().split(/\s+/)[7];
    const m = path ? /envoy_domain_socket_(?:udp_)?(?:parent|child)_(\d+)/.exec(path) : null;
    if (m && ids.has(m[1]!)) names.push(m[0]);
  }
  return names.sort();
}

/** The names one epoch binds. */
export function epochSockets(baseId: number, epoch: number): string[] {
  const id = socketId(baseId, epoch);
  return ['child', 'parent', 'udp_child', 'udp_parent'].map((k) => `envoy_domain_socket_${k}_${id}`).sort();
}

export const sharedMemoryPath = (baseId: number): string => `/dev/shm/envoy_shared_memory_${baseId * 10}`;

/** Every /dev/shm entry that belongs to this base id's envoys. */
export function sharedMemoryOf(baseId: number): string[] {
  return safeReaddir('/dev/shm').filter((f) => f === `envoy_shared_memory_${baseId * 10}`);
}

/**
 * Envoy's INITIALIZING bit in the shared memory of `baseId`: set by a hot-restart child when it attaches, cleared
 * only once it takes the listeners over. Layout of `SharedMemory` (hot_restart_impl.h, HOT_RESTART_VERSION 11, the
 * ".104" of `--hot-restart-version` is its size on x86_64 glibc): uint64 size, uint64 version, two 40-byte
 * pthread mutexes, then uint64 flags at byte 96. A different size means a different layout: fail, don't guess.
 */
export function initializingBit(baseId: number): boolean {
  const shm = readFileSync(sharedMemoryPath(baseId));
  if (shm.length !== 104 || shm.readBigUInt64LE(0) !== 104n) throw new Error(`unexpected shared memory layout (${shm.length} bytes)`);
  return (shm.readBigUInt64LE(96) & 1n) === 1n;
}

export interface RecordingEnvoy {
  readonly bin: string;
  /** Every invocation's arguments, in order. */
  invocations(): string[][];
}

/** A shell wrapper that appends its arguments to a log, then execs the real envoy (same pid, same signals). */
export function recordingEnvoy(dir: string, realBin: string): RecordingEnvoy {
  const bin = join(dir, 'envoy');
  const log = join(dir, 'envoy-invocations.log');
  writeFileSync(bin, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realBin}' "$@"\n`);
  chmodSync(bin, 0o755);
  return {
    bin,
    invocations: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')) : []),
  };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}
