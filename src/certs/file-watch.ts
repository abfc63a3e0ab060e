import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';

/**
 * chokidar on explicit file paths (not their directory: a kubelet `..data` swap gives one `change`
 * per file that way, against ~10 events for the directory). chokidar loses a path once its file is
 * unlinked, and does not notice a file appearing in a directory that did not exist when the watch
 * began, so a path is re-armed on `add`/`unlink` and whenever `refresh` sees its existence changed.
 */
export class PathWatcher {
  readonly paths: readonly string[];
  #watcher: FSWatcher | undefined;
  readonly #armedExists = new Map<string, boolean>();

  constructor(
    paths: readonly string[],
    readonly onEvent: (event: string, path: string) => void,
    readonly log: Logger,
  ) {
    this.paths = [...new Set(paths.map((p) => resolve(p)))];
  }

  async start(): Promise<void> {
    const w = watch([...this.paths], { ignoreInitial: true });
    this.#watcher = w;
    for (const p of this.paths) this.#armedExists.set(p, existsSync(p));
    w.on('all', (event, path) => {
      if (event === 'add' || event === 'unlink') this.#rearm(path);
      this.onEvent(event, path);
    });
    w.on('error', (e) => this.log.warn({ err: (e as Error).message }, 'certificate file watch error; the periodic re-hash still runs'));
    await new Promise<void>((ready) => w.once('ready', ready));
  }

  /** Re-arm the paths whose file appeared or vanished without an event reaching us. */
  refresh(): void {
    for (const p of this.paths) if (existsSync(p) !== this.#armedExists.get(p)) this.#rearm(p);
  }

  async close(): Promise<void> {
    const w = this.#watcher;
    this.#watcher = undefined;
    await w?.close();
  }

  #rearm(path: string): void {
    const w = this.#watcher;
    if (!w || !this.#armedExists.has(path)) return;
    w.unwatch(path);
    w.add(path);
    this.#armedExists.set(path, existsSync(path));
  }
}
