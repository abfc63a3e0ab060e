// Envoy's HotRestartImpl for the stub: bind this epoch's domain socket, attach the shared
// state, and later find the parent. Failures come back as Envoy's outcomes (exit 1 with a
// message, or an abort) for main to act on. --disable-hot-restart gives a restarter that does
// nothing and reports "disabled".

import { writeFileSync } from 'node:fs';
import type { StubOptions } from '../cli/options.js';
import type { StubSettings } from '../faults/settings.js';
import { HOT_RESTART_DISABLED, HOT_RESTART_VERSION } from '../version.js';
import { ChildRole, type RetryPolicy } from './child-role.js';
import { parentSocketName, sharedMemoryPath, socketId } from './names.js';
import { ParentRole } from './parent-role.js';
import { SharedMemory } from './shared-memory.js';

export type Fatal = { kind: 'exit'; message: string } | { kind: 'abort'; message: string };

export class HotRestarter {
  child: ChildRole | undefined;
  /** The parent's answer to ShutdownAdmin: where uptime and the generation carry on from. */
  parentReply: { originalStartTimeMs: number; hotRestartGeneration: number } | undefined;

  readonly enabled: boolean;
  readonly baseId: number;
  readonly epoch: number;
  private readonly socketPath: string;
  readonly parentRole: ParentRole | undefined;
  private readonly shm: SharedMemory | undefined;

  private constructor(
    enabled: boolean,
    /** The unscaled --base-id (or the dynamically chosen one). */
    baseId: number,
    epoch: number,
    socketPath: string,
    parentRole: ParentRole | undefined,
    shm: SharedMemory | undefined,
  ) {
    this.enabled = enabled;
    this.baseId = baseId;
    this.epoch = epoch;
    this.socketPath = socketPath;
    this.parentRole = parentRole;
    this.shm = shm;
  }

  get version(): string {
    return this.enabled ? HOT_RESTART_VERSION : HOT_RESTART_DISABLED;
  }

  static disabled(options: StubOptions): HotRestarter {
    return new HotRestarter(false, options.baseId, options.restartEpoch, options.socketPath, undefined, undefined);
  }

  static async start(options: StubOptions, settings: StubSettings): Promise<HotRestarter | Fatal> {
    if (options.disableHotRestart) return HotRestarter.disabled(options);
    const epoch = options.restartEpoch;
    let baseId = options.baseId;
    let parent: ParentRole | undefined;
    if (options.useDynamicBaseId) {
      for (let i = 0; i < 100 && !parent; i++) {
        baseId = Math.floor(Math.random() * 0x0fffffff) % 429496729;
        const candidate = new ParentRole(parentSocketName(options.socketPath, baseId * 10, epoch), options.socketMode);
        if (await candidate.bind()) parent = candidate;
      }
      if (!parent) return { kind: 'exit', message: 'unable to select a dynamic base id' };
    } else {
      parent = new ParentRole(parentSocketName(options.socketPath, baseId * 10, epoch), options.socketMode);
      if (!(await parent.bind())) {
        return {
          kind: 'exit',
          message: `unable to bind domain socket with base_id=${baseId * 10}, id=${socketId(0, epoch)}, errno=98 (see --base-id option)`,
        };
      }
    }
    if (options.baseIdPath !== '') {
      try {
        writeFileSync(options.baseIdPath, String(baseId));
      } catch {
        // Envoy logs "cannot open base id output file" and carries on; main logs it.
      }
    }
    const path = sharedMemoryPath(settings.shmDir, baseId * 10);
    let shm: SharedMemory;
    if (epoch === 0) {
      shm = SharedMemory.create(path);
    } else {
      const attached = SharedMemory.attach(path, `/envoy_shared_memory_${baseId * 10}`);
      if (!(attached instanceof SharedMemory)) {
        parent.close();
        if (attached.kind === 'panic') return { kind: 'abort', message: attached.message };
        return { kind: 'exit', message: 'previous envoy process is still initializing' };
      }
      shm = attached;
    }
    return new HotRestarter(true, baseId, epoch, options.socketPath, parent, shm);
  }

  private parentName(): string {
    return parentSocketName(this.socketPath, this.baseId * 10, this.epoch - 1);
  }

  /** --skip-hot-restart-on-no-parent: one try; false means "start as if epoch 0". */
  async testParentConnection(): Promise<boolean> {
    if (!this.enabled || this.epoch === 0) return false;
    const outcome = await ChildRole.connect(this.parentName());
    if (outcome.kind !== 'connected') return false;
    this.child = outcome.role;
    return true;
  }

  /** Connects to epoch N-1, retrying refused connections; a Fatal means abort. */
  async connectParent(retry: RetryPolicy): Promise<Fatal | undefined> {
    if (!this.enabled || this.epoch === 0 || this.child) return undefined;
    const outcome = await ChildRole.connect(this.parentName(), retry);
    if (outcome.kind === 'connected') {
      this.child = outcome.role;
      return undefined;
    }
    const errno = outcome.kind === 'failed' ? outcome.errno : 111;
    return { kind: 'abort', message: `hot restart sendmsg() failed: returned -1, errno ${errno}` };
  }

  /**
   * Asks the parent to shut its admin down. Envoy 1.40 does this before it loads its config, so a child that then
   * fails on its config leaves the parent serving its listeners with no admin port (test/differential/).
   */
  async shutdownParentAdmin(): Promise<void> {
    if (this.child) this.parentReply = await this.child.shutdownParentAdmin();
  }

  /** Workers started: the next epoch may now begin (Envoy clears the flag here). */
  clearInitializing(): void {
    this.shm?.clearInitializing();
  }

  shutdown(): void {
    this.parentRole?.close();
  }
}
