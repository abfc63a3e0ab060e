// Names shared by all epochs of one base id: Envoy's domain-socket naming (abstract when the
// --socket-path starts with '@') and the stub's stand-in for the shared-memory segment.

import { join } from 'node:path';

/** Envoy's socket id: 10*base_id + epoch % 3 (three epochs at most run at once). */
export const socketId = (scaledBaseId: number, epoch: number) => scaledBaseId + (epoch % 3);

/** Where the process of `epoch` listens for its child. */
export function parentSocketName(socketPath: string, scaledBaseId: number, epoch: number): string {
  return `${socketPath}_parent_${socketId(scaledBaseId, epoch)}`;
}

/** The path node:net needs: abstract names start with a NUL byte instead of '@'. */
export const netPath = (name: string) => (name.startsWith('@') ? `\0${name.slice(1)}` : name);

export const isAbstract = (name: string) => name.startsWith('@');

/** A stub-specific name so a real Envoy's /dev/shm/envoy_shared_memory_<id> is never touched. */
export function sharedMemoryPath(shmDir: string, scaledBaseId: number): string {
  return join(shmDir, `envoy_stub_shared_memory_${scaledBaseId}`);
}
