// First import, evaluated before every other module: track children, listen for every signal.
import '../init/early.js';
import { AgentError, ErrorCodes, describeError } from '../errors/index.js';
import { finalSweepGraceMs, guardSignals, heldSignals, installReaper, signalsListeningAfterMs, type InstalledReaper } from '../init/index.js';
import { logLevelEnvProblem, logger, rootLogger } from '../log/logger.js';
import { agentVersion } from '../version.js';
import { commands } from './commands/index.js';
import { closest } from '../flags/did-you-mean.js';

const usage = `pilot-agent ${agentVersion}: the istio-proxy container entrypoint; bootstraps and supervises envoy.

Usage:
  pilot-agent <command> [flags]

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`).join('\n')}

Run "pilot-agent <command> --help" for a command's flags.
`;

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  // Asked-for help goes to stdout with 0; a usage error is one line on stderr with 2, like every other.
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage);
    return 0;
  }
  if (name === undefined) throw new AgentError(ErrorCodes.USAGE, `expected a command (${Object.keys(commands).join(', ')}); see pilot-agent --help`);
  if (logLevelEnvProblem) throw new AgentError(ErrorCodes.BAD_ENV, logLevelEnvProblem);
  const command = commands[name];
  if (!command) {
    const suggestion = closest(name, Object.keys(commands));
    throw new AgentError(ErrorCodes.USAGE, `unknown command ${JSON.stringify(name)}${suggestion ? ` (did you mean ${suggestion}?)` : '; see pilot-agent --help'}`);
  }
  return (await command.load())(rest);
}

/** The commands that start processes: outside PID 1 only they need orphans re-parented to them. */
const spawningCommands = new Set(['proxy', 'wait', 'istio-iptables']);

/** PID 1 duties (or child subreaper when not PID 1). Without them the agent still runs, zombies pile up. */
function startReaper(command: string | undefined): InstalledReaper | undefined {
  const log = logger('reaper');
  guardSignals({ held: (signal) => log.info({ signal }, 'signal held until a command routes it') });
  // Signals before this moment (Node booting) are lost as PID 1; the README's PID-1 section has numbers.
  log.debug({ afterMs: signalsListeningAfterMs() }, 'signal listeners were installed this long after the process started');
  for (const signal of heldSignals()) log.info({ signal }, 'signal received during start-up; held until a command routes it');
  // A command that starts nothing (bootstrap, kube-inject, request, version) has no orphans to reap unless it
  // is PID 1, and koffi's loading was a quarter of such a run's CPU.
  if (process.pid !== 1 && !spawningCommands.has(command ?? '')) return undefined;
  try {
    return installReaper({ log });
  } catch (e) {
    log.warn({ err: e }, 'cannot reap orphans: zombies will accumulate');
    return undefined;
  }
}

// No process.setSourceMapsEnabled(true): mapping every module's source map cost ~25 ms of each start.
// Stacks point at dist/*.js; NODE_OPTIONS=--enable-source-maps maps them to the TypeScript when debugging.
const reaper = startReaper(process.argv[2]);
let exitCode: number;
try {
  exitCode = await main(process.argv.slice(2));
} catch (e) {
  const d = describeError(e);
  if (d.code === ErrorCodes.INTERNAL) rootLogger.error({ err: e }, 'internal error');
  process.stderr.write(`${d.line}\n`);
  exitCode = d.exitCode;
}
// Exiting as PID 1 makes the kernel SIGKILL the namespace: TERM, grace, KILL and reap first.
await reaper?.finalSweep(finalSweepGraceMs);
process.exit(exitCode);
