// Envoy-style application logging: one line per record in the --log-format pattern, to stderr or
// the --log-path file (appended synchronously, reopened on SIGUSR1 and /reopen_logs), filtered by
// -l and --component-log-level, changeable at run time through /logging.

import { closeSync, openSync, writeSync } from 'node:fs';
import { COMPONENTS } from './levels.js';
import { renderPattern } from './pattern.js';

export const Level = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, critical: 5, off: 6 } as const;

export interface LogSettings {
  readonly level: number;
  readonly componentLevels: ReadonlyMap<string, number>;
  readonly format: string;
  readonly escaped: boolean;
  readonly path: string;
}

export class EnvoyLog {
  private fd = 2;
  private readonly levels = new Map<string, number>();

  private readonly settings: LogSettings;

  constructor(settings: LogSettings) {
    this.settings = settings;
    for (const name of COMPONENTS) this.levels.set(name, settings.componentLevels.get(name) ?? settings.level);
    if (settings.path !== '') this.fd = openSync(settings.path, 'a');
  }

  /** The logger names with their current levels, for /logging. */
  loggers(): ReadonlyMap<string, number> {
    return this.levels;
  }

  setLevel(logger: string, level: number): void {
    this.levels.set(logger, level);
  }

  setAll(level: number): void {
    for (const name of this.levels.keys()) this.levels.set(name, level);
  }

  /** Reopens the --log-path file, so rotation tools can move it away first. */
  reopen(): void {
    if (this.settings.path === '') return;
    const fd = openSync(this.settings.path, 'a');
    closeSync(this.fd);
    this.fd = fd;
  }

  log(level: number, logger: string, source: string, message: string): void {
    if (level < (this.levels.get(logger) ?? this.settings.level) || level >= Level.off) return;
    const text = this.settings.escaped ? message.replace(/\n/g, '\\n') : message;
    const line = renderPattern(this.settings.format, { time: new Date(), level, logger, source, message: text });
    try {
      writeSync(this.fd, line.endsWith('\n') ? line : `${line}\n`);
    } catch {
      // A closed stderr must not take the server down.
    }
  }

  // Shorthands; `source` is the Envoy file:line the line would come from, for %g:%#.
  info(logger: string, source: string, message: string): void {
    this.log(Level.info, logger, source, message);
  }
  warn(logger: string, source: string, message: string): void {
    this.log(Level.warn, logger, source, message);
  }
  error(logger: string, source: string, message: string): void {
    this.log(Level.error, logger, source, message);
  }
  critical(logger: string, source: string, message: string): void {
    this.log(Level.critical, logger, source, message);
  }
  debug(logger: string, source: string, message: string): void {
    this.log(Level.debug, logger, source, message);
  }
}
