import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { generateBootstrap } from '../bootstrap/generate.js';
import { writeBootstrap } from '../bootstrap/write.js';
import type { ProxyConfig } from '../config/proxy-config.js';
import { AdminClient, type AdminResponse } from '../envoy/admin.js';
import { envoyArgs } from '../envoy/args.js';
import { waitUntilLive } from '../envoy/liveness.js';
import { startEnvoy, type EnvoyExit } from '../envoy/process.js';
import { killTree } from './kill.js';

/** Envoy's admin API as the supervisor uses it; one client per epoch (they take turns on one port). */
export interface EnvoyAdmin {
  get(path: string, timeoutMs?: number): Promise<AdminResponse>;
  post(path: string, timeoutMs?: number): Promise<AdminResponse>;
  close(): Promise<void>;
  /** This epoch owns the admin port now (see AdminClient.settle). */
  settle?(): void;
}

/** One started envoy epoch. */
export interface RunningEnvoy {
  readonly pid: number | undefined;
  readonly args: readonly string[];
  readonly exited: Promise<EnvoyExit>;
  /** The last lines it wrote to stderr (for the termination message). */
  stderrTail(): readonly string[];
  /** SIGTERM or a forwarded signal to envoy's process group. */
  signal(sig: NodeJS.Signals): void;
  /** SIGKILL envoy and everything below it. */
  kill(): void;
}

/**
 * Everything the supervisor does to envoy and its files, behind one interface: the agent uses real
 * processes, in-process tests a fake (as Istio tests its agent against a fake proxy).
 */
export interface EnvoyRunner {
  /** Render and write this epoch's bootstrap; the file envoy starts from (the custom config as it is). */
  writeBootstrap(epoch: number): Promise<string>;
  /** `envoy --mode validate`. */
  validate(file: string): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }>;
  start(epoch: number, file: string): RunningEnvoy;
  /** A new admin client for envoy's admin port. */
  admin(): EnvoyAdmin;
  /** Resolves true once this epoch reports LIVE, false when aborted first. */
  waitUntilLive(admin: EnvoyAdmin, epoch: number, signal: AbortSignal): Promise<boolean>;
  discard(file: string): void;
  /** Remove envoy's hot-restart shared memory of this base id (no epoch of it runs any more). */
  releaseHotRestartState?(): void;
}

/** The runner of the agent: envoy's binary, its admin port on loopback, bootstraps under configPath. */
export function envoyRunner(config: ProxyConfig, log: Logger): EnvoyRunner {
  const localhost = config.ipv6 ? '::1' : '127.0.0.1';
  return {
    async writeBootstrap(epoch) {
      if (config.customConfigFile) return config.customConfigFile;
      const generated = await generateBootstrap(config);
      for (const w of generated.warnings) log.warn(w);
      return writeBootstrap(config.configPath, epoch, generated.json);
    },
    // execa keeps its job here (output captured, a timeout, a forced kill), loaded on the first hot restart only.
    validate: async (file) => (await import('../envoy/validate.js')).validateWithEnvoy(config.binaryPath, file),
    start(epoch, file) {
      const args = envoyArgs(config, epoch, file);
      const proc = startEnvoy(config.binaryPath, args, epoch);
      return {
        pid: proc.pid,
        args,
        exited: proc.exited,
        stderrTail: () => proc.stderrTail.lines,
        signal: (sig) => proc.signal(sig),
        kill: () => killTree(proc, log),
      };
    },
    admin: () => new AdminClient(localhost, config.proxyAdminPort),
    waitUntilLive: (admin, epoch, signal) => waitUntilLive(admin, epoch, signal),
    discard: (file) => rmSync(file, { force: true }),
    releaseHotRestartState() {
      // Envoy 1.40 names it after 10 × --base-id (shm_open, so it lives in /dev/shm).
      const region = `/dev/shm/envoy_shared_memory_${config.baseId * 10}`;
      try {
        rmSync(region, { force: true });
      } catch (e) {
        log.warn({ region, err: (e as Error).message }, "cannot remove envoy's hot-restart shared memory");
      }
    },
  };
}
