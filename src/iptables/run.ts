// `istio-iptables [flags]`, start to end: flags → configuration → (unless --skip-rule-apply) print
// the configuration, build the rules and apply or print them → (with --run-validation) prove capture.
import { tmpdir } from 'node:os';
import { routeSignals } from '../init/signals.js';
import { applyPlan } from './apply.js';
import { resolveConfig, type ResolveContext } from './config.js';
import { spawnExec, type Exec } from './exec.js';
import { usageText } from './flags.js';
import { parseFlags } from './parse-flags.js';
import { configReport } from './report.js';
import { buildRules } from './rules.js';
import { VALIDATION_FAILED_EXIT, validate } from './validation.js';

export interface RunIo extends Partial<Pick<ResolveContext, 'hostAddress' | 'passwdPath'>> {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly exec: Exec;
  readonly tmpDir: string;
}

export function processIo(): RunIo {
  return {
    env: process.env,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    exec: spawnExec,
    tmpDir: tmpdir(),
  };
}

/** Exit status: 0, 126 when validation fails; bad flags and run-time failures throw AgentError. */
export async function runIstioIptables(argv: readonly string[], io: RunIo = processIo()): Promise<number> {
  const flags = parseFlags(argv);
  if (flags.help) {
    io.stdout(usageText());
    return 0;
  }
  const config = resolveConfig(flags, {
    env: io.env,
    warn: (line) => io.stderr(`${line}\n`),
    ...(io.hostAddress ? { hostAddress: io.hostAddress } : {}),
    ...(io.passwdPath ? { passwdPath: io.passwdPath } : {}),
  });
  if (!config.skipRuleApply) {
    io.stdout(configReport(config, io.env));
    await applyPlan(config, buildRules(config), { out: io.stdout, exec: io.exec, dryRun: config.dryRun, tmpDir: io.tmpDir });
  }
  if (!config.runValidation) return 0;

  const aborted = new AbortController();
  const unroute = routeSignals(() => aborted.abort());
  try {
    const outcome = await validate({
      hostIp: config.hostIp,
      ipv6: config.enableInboundIpv6,
      ports: [config.proxyPort, config.inboundCapturePort],
      probePort: Number(config.probePort),
      timeoutMs: config.probeTimeoutMs,
      out: (line) => io.stdout(`${line}\n`),
      signal: aborted.signal,
    });
    if (outcome.ok) {
      io.stdout('validation passed\n');
      return 0;
    }
    io.stderr(`validation failed:${outcome.reason}\n`);
    return VALIDATION_FAILED_EXIT;
  } finally {
    unroute();
  }
}
