// Every ENVOY_STUB_* environment switch, read once at start. tools/envoy-stub/README.md documents each.

export interface CrashFault {
  readonly afterMs: number;
  /** Exit with this code, unless `signal` is set. */
  readonly exitCode: number;
  readonly signal?: NodeJS.Signals;
  /** Crash only on the first K starts counted in `stateDir`; undefined: every start. */
  readonly firstStarts?: number;
}

export interface StubSettings {
  readonly eventLogPath?: string;
  readonly stateDir?: string;
  readonly shmDir: string;
  readonly strictValidation: boolean;
  readonly liveDelayMs: number;
  readonly crash?: CrashFault;
  readonly ignoreSigterm: boolean;
  readonly hangAdmin: boolean;
  /** A file naming how /stats/prometheus misbehaves, read per request (see prometheus-fault.ts). */
  readonly prometheusFaultFile?: string;
  /** Message `--mode validate` fails with, even for a good config. */
  readonly failValidate?: string;
  readonly grandchildren: number;
  readonly grandchildLifetimeMs: number;
  /** Start one long-lived descendant in a session of its own (setsid) that ignores SIGTERM. */
  readonly detachedGrandchild: boolean;
  readonly hotRestartRetries: number;
  readonly hotRestartRetryMs: number;
}

const isOn = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${text}'`);
  return n;
}

function crashFault(env: NodeJS.ProcessEnv): CrashFault | undefined {
  if (env.ENVOY_STUB_CRASH_AFTER_MS === undefined || env.ENVOY_STUB_CRASH_AFTER_MS === '') return undefined;
  const signal = env.ENVOY_STUB_CRASH_SIGNAL;
  const first = env.ENVOY_STUB_CRASH_FIRST_STARTS;
  return {
    afterMs: int(env, 'ENVOY_STUB_CRASH_AFTER_MS', 0),
    exitCode: int(env, 'ENVOY_STUB_CRASH_EXIT_CODE', 1),
    ...(signal ? { signal: (signal.startsWith('SIG') ? signal : `SIG${signal}`) as NodeJS.Signals } : {}),
    ...(first ? { firstStarts: int(env, 'ENVOY_STUB_CRASH_FIRST_STARTS', 0) } : {}),
  };
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): StubSettings {
  const failValidate = env.ENVOY_STUB_FAIL_VALIDATE;
  return {
    ...(env.ENVOY_STUB_EVENT_LOG ? { eventLogPath: env.ENVOY_STUB_EVENT_LOG } : {}),
    ...(env.ENVOY_STUB_STATE_DIR ? { stateDir: env.ENVOY_STUB_STATE_DIR } : {}),
    shmDir: env.ENVOY_STUB_SHM_DIR || '/dev/shm',
    strictValidation: env.ENVOY_STUB_STRICT === undefined || isOn(env.ENVOY_STUB_STRICT),
    liveDelayMs: int(env, 'ENVOY_STUB_LIVE_DELAY_MS', 0),
    ...(crashFault(env) ? { crash: crashFault(env)! } : {}),
    ignoreSigterm: isOn(env.ENVOY_STUB_IGNORE_SIGTERM),
    hangAdmin: isOn(env.ENVOY_STUB_HANG_ADMIN),
    ...(env.ENVOY_STUB_PROMETHEUS_FAULT_FILE ? { prometheusFaultFile: env.ENVOY_STUB_PROMETHEUS_FAULT_FILE } : {}),
    ...(isOn(failValidate)
      ? { failValidate: failValidate === '1' || failValidate === 'true' ? 'configuration rejected by ENVOY_STUB_FAIL_VALIDATE' : failValidate! }
      : {}),
    grandchildren: int(env, 'ENVOY_STUB_GRANDCHILDREN', 0),
    grandchildLifetimeMs: int(env, 'ENVOY_STUB_GRANDCHILD_LIFETIME_MS', 200),
    detachedGrandchild: isOn(env.ENVOY_STUB_DETACHED_GRANDCHILD),
    hotRestartRetries: int(env, 'ENVOY_STUB_HOT_RESTART_RETRIES', 10),
    hotRestartRetryMs: int(env, 'ENVOY_STUB_HOT_RESTART_RETRY_MS', 1000),
  };
}
