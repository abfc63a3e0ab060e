// Envoy's own checks on the parsed values (OptionsImpl), in Envoy's order, producing the typed
// options the rest of the stub reads. Failures are MalformedArgvError: main prints the message
// alone and exits 1.

import { availableParallelism } from 'node:os';
import { COMPONENTS, LEVEL_NAMES, parseLevel } from '../log/levels.js';
import { OPTION_SPECS } from './option-table.js';
import type { RawValues } from './tclap-parser.js';

export class MalformedArgvError extends Error {}

/** Not an error: Envoy prints its hot-restart version and exits 0 at this point of its checks. */
export class HotRestartVersionRequested extends Error {
  readonly hotRestartDisabled: boolean;

  constructor(hotRestartDisabled: boolean) {
    super('--hot-restart-version');
    this.hotRestartDisabled = hotRestartDisabled;
  }
}

export type Mode = 'serve' | 'validate' | 'init_only';
export type DrainStrategy = 'gradual' | 'immediate';

export interface StubOptions {
  readonly baseId: number;
  readonly useDynamicBaseId: boolean;
  readonly baseIdPath: string;
  readonly skipHotRestartOnNoParent: boolean;
  readonly skipHotRestartParentStats: boolean;
  readonly concurrency: number;
  readonly configPath: string;
  readonly configYaml: string;
  readonly allowUnknownStaticFields: boolean;
  readonly rejectUnknownDynamicFields: boolean;
  readonly ignoreUnknownDynamicFields: boolean;
  readonly adminAddressPath: string;
  readonly localAddressIpVersion: 'v4' | 'v6';
  /** Index into LEVEL_NAMES. */
  readonly logLevel: number;
  readonly componentLogLevels: ReadonlyMap<string, number>;
  readonly componentLogLevelText: string;
  readonly logFormat: string;
  readonly logFormatEscaped: boolean;
  readonly enableFineGrainLogging: boolean;
  readonly logPath: string;
  readonly restartEpoch: number;
  readonly serviceCluster: string;
  readonly serviceNode: string;
  readonly serviceZone: string;
  readonly fileFlushIntervalMsec: number;
  readonly drainTimeS: number;
  readonly drainStrategy: DrainStrategy;
  readonly parentShutdownTimeS: number;
  readonly mode: Mode;
  readonly disableHotRestart: boolean;
  readonly enableMutexTracing: boolean;
  readonly cpusetThreads: boolean;
  readonly disabledExtensions: readonly string[];
  readonly socketPath: string;
  /** Octal permission bits; 0 for an abstract ('@') socket path. */
  readonly socketMode: number;
  readonly statsTags: readonly (readonly [string, string])[];
  readonly enableCoreDump: boolean;
  readonly skipDeprecatedLogs: boolean;
  readonly fileFlushMinSizeKb: number;
}

function valueOf(values: RawValues, name: string): string | number | boolean | string[] {
  const v = values.get(name);
  if (v !== undefined) return v;
  const spec = OPTION_SPECS.find((o) => o.name === name);
  if (spec?.kind === 'switch') return false;
  if (spec?.kind === 'multi-string') return [];
  return spec?.defaultValue ?? '';
}

function parseComponentLevels(text: string): Map<string, number> {
  const out = new Map<string, number>();
  if (text === '') return out;
  for (const item of text.split(',')) {
    const parts = item.split(':');
    if (parts.length !== 2) throw new MalformedArgvError(`error: component log level not correctly specified '${item}'`);
    const [name, level] = parts as [string, string];
    const index = parseLevel(level);
    if (index === undefined) throw new MalformedArgvError(`error: invalid log level specified '${level}'`);
    if (!COMPONENTS.includes(name)) throw new MalformedArgvError(`error: invalid component specified '${name}'`);
    out.set(name, index);
  }
  return out;
}

const TAG_CHARS = /^[A-Za-z0-9_-]+$/;

function parseStatsTags(list: string[]): [string, string][] {
  return list.map((pair) => {
    const tokens = pair.split(':').filter((x) => x !== '');
    if (tokens.length !== 2) throw new MalformedArgvError(`error: misformatted stats-tag '${pair}'`);
    for (const part of tokens) {
      if (!TAG_CHARS.test(part)) throw new MalformedArgvError(`error: misformatted stats-tag '${pair}' contains invalid char in '${part}'`);
    }
    return [tokens[0]!, tokens[1]!];
  });
}

export function buildOptions(values: RawValues): StubOptions {
  const str = (n: string) => valueOf(values, n) as string;
  const num = (n: string) => valueOf(values, n) as number;
  const flag = (n: string) => valueOf(values, n) as boolean;

  const logLevel = parseLevel(str('log-level'));
  if (logLevel === undefined) throw new MalformedArgvError(`error: invalid log level specified '${str('log-level')}'`);
  if (flag('enable-fine-grain-logging') && str('component-log-level') !== '') {
    throw new MalformedArgvError('error: --component-log-level will not work with --enable-fine-grain-logging');
  }
  const componentLogLevels = parseComponentLevels(str('component-log-level'));
  const mode = str('mode');
  if (mode !== 'serve' && mode !== 'validate' && mode !== 'init_only') {
    throw new MalformedArgvError(`error: unknown mode '${mode}'`);
  }
  const ipVersion = str('local-address-ip-version');
  if (ipVersion !== 'v4' && ipVersion !== 'v6') {
    throw new MalformedArgvError(`error: unknown IP address version '${ipVersion}'`);
  }
  if (flag('use-dynamic-base-id') && num('restart-epoch') > 0) {
    throw new MalformedArgvError(`error: cannot use --restart-epoch=${num('restart-epoch')} with --use-dynamic-base-id`);
  }
  const concurrencyGiven = values.has('concurrency');
  const concurrency = concurrencyGiven ? Math.max(1, num('concurrency')) : availableParallelism();
  const socketPath = str('socket-path');
  let socketMode = 0;
  if (!socketPath.startsWith('@')) {
    if (!/^[0-7]+$/.test(str('socket-mode'))) throw new MalformedArgvError(`error: invalid socket-mode '${str('socket-mode')}'`);
    socketMode = parseInt(str('socket-mode'), 8);
  }
  const drainStrategy = str('drain-strategy');
  if (drainStrategy !== 'gradual' && drainStrategy !== 'immediate') {
    // Envoy's message names the --mode value here, not the drain strategy (a long-standing bug).
    throw new MalformedArgvError(`error: unknown drain-strategy '${mode}'`);
  }
  if (flag('hot-restart-version')) throw new HotRestartVersionRequested(flag('disable-hot-restart'));
  const disabledExtensions = str('disable-extensions') === '' ? [] : str('disable-extensions').split(',');
  const statsTags = parseStatsTags(valueOf(values, 'stats-tag') as string[]);

  return {
    baseId: num('base-id'),
    useDynamicBaseId: flag('use-dynamic-base-id'),
    baseIdPath: str('base-id-path'),
    skipHotRestartOnNoParent: flag('skip-hot-restart-on-no-parent'),
    skipHotRestartParentStats: flag('skip-hot-restart-parent-stats'),
    concurrency,
    configPath: str('config-path'),
    configYaml: str('config-yaml'),
    allowUnknownStaticFields: flag('allow-unknown-static-fields') || flag('allow-unknown-fields'),
    rejectUnknownDynamicFields: flag('reject-unknown-dynamic-fields'),
    ignoreUnknownDynamicFields: flag('ignore-unknown-dynamic-fields'),
    adminAddressPath: str('admin-address-path'),
    localAddressIpVersion: ipVersion,
    logLevel,
    componentLogLevels,
    componentLogLevelText: str('component-log-level'),
    logFormat: str('log-format'),
    logFormatEscaped: flag('log-format-escaped'),
    enableFineGrainLogging: flag('enable-fine-grain-logging'),
    logPath: str('log-path'),
    restartEpoch: num('restart-epoch'),
    serviceCluster: str('service-cluster'),
    serviceNode: str('service-node'),
    serviceZone: str('service-zone'),
    fileFlushIntervalMsec: num('file-flush-interval-msec'),
    drainTimeS: num('drain-time-s'),
    drainStrategy,
    parentShutdownTimeS: num('parent-shutdown-time-s'),
    mode,
    disableHotRestart: flag('disable-hot-restart'),
    enableMutexTracing: flag('enable-mutex-tracing'),
    cpusetThreads: flag('cpuset-threads'),
    disabledExtensions,
    socketPath,
    socketMode,
    statsTags,
    enableCoreDump: flag('enable-core-dump'),
    skipDeprecatedLogs: flag('skip-deprecated-logs'),
    fileFlushMinSizeKb: num('file-flush-min-size-kb'),
  };
}

export const levelName = (index: number): string => LEVEL_NAMES[index] ?? 'info';
