import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';

/** How often to look for a watched file that is missing (cheap: one stat per missing path). */
const missingPollMs = 1_000;

/**
 * chokidar on explicit file paths (not their directory: a kubelet `..data` swap gives one `change`
 * per file that way, against ~10 events for the directory). Only files that exist are handed to
 * chokidar: it stops reporting a path once its file is unlinked, and for a missing path it watches
 * the parent directory, an add that leaks its fs.watch when close() lands mid-way (chokidar 5.0.0,
 * `_addToNodeFs` returns after `_handleDir` without calling the closer). A missing file is found by
 * a stat every second instead, and its appearance is reported as an `add`.
 */
export class PathWatcher {
  readonly paths: readonly string[];
  #watcher: FSWatcher | undefined;
  readonly #armed = new Set<string>();
  #poll: NodeJS.Timeout | undefined;

  readonly onEvent: (event: string, path: string) => void;
  readonly log: Logger;

  constructor(
    paths: readonly string[],
    onEvent: (event: string, path: string) => void,
    log: Logger,
  ) {
    this.onEvent = onEvent;
    this.log = log;
    this.paths = [...new Set(paths.map((p) => resolve(p)))];
  }

  async start(): Promise<void> {
    const present = this.paths.filter((p) => existsSync(p));
    const w = watch(present, { ignoreInitial: true });
    this.#watcher = w;
    for (const p of present) this.#armed.add(p);
    w.on('all', (event, path) => {
      if (event === 'unlink') this.#disarm(path);
      this.onEvent(event, path);
    });
    w.on('error', (e) => this.log.warn({ err: (e as Error).message }, 'certificate file watch error; the periodic re-hash still runs'));
    this.#poll = setInterval(() => this.refresh(), missingPollMs);
    if (present.length > 0) await new Promise<void>((ready) => w.once('ready', ready));
  }

  /** Arm the paths whose file has appeared, disarm those whose file has gone without an event. */
  refresh(): void {
    const w = this.#watcher;
    if (!w) return;
    for (const p of this.paths) {
      const exists = existsSync(p);
      if (exists && !this.#armed.has(p)) {
        this.#armed.add(p);
        w.add(p);
        this.onEvent('add', p);
      } else if (!exists && this.#armed.has(p)) {
        this.#disarm(p);
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#poll);
    const w = this.#watcher;
    this.#watcher = undefined;
    await w?.close();
  }

  #disarm(path: string): void {
    if (!this.#armed.delete(path)) return;
    this.#watcher?.unwatch(path);
  }
}
