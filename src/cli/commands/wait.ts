import { AgentError, ErrorCodes, flagError } from '../../errors/index.js';
import { flagHelp } from '../../flags/help.js';
import { parseArgs } from '../../flags/parse-args.js';
import { logger } from '../../log/logger.js';
import { waitFlags } from '../../wait/flags.js';
import { waitThenRun } from '../../wait/wait-then-run.js';

export { waitFlags };

export const waitHelp = flagHelp(
  'pilot-agent wait [flags] [-- <command> [args...]]',
  'Wait until the proxy is ready (HTTP 200 from --url). With a command after "--", run it once ready,\n' +
    'pass every signal on to it and exit with its status (with --stopProxyOnExit, then stop the proxy).\n' +
    'Exit 255 when not ready within --timeoutSeconds.',
  waitFlags,
);

export async function waitCommand(argv: readonly string[]): Promise<number> {
  // Only what follows "--" is the command, so its own flags never reach our parser.
  const dashes = argv.indexOf('--');
  const command = dashes === -1 ? undefined : argv.slice(dashes + 1);
  const parsed = parseArgs(dashes === -1 ? argv : argv.slice(0, dashes), waitFlags);
  if (parsed.help) {
    process.stdout.write(waitHelp);
    return 0;
  }
  if (parsed.positionals.length > 0) {
    throw new AgentError(ErrorCodes.USAGE, `unexpected argument ${JSON.stringify(parsed.positionals[0])}: put the command to run after "--"`);
  }
  if (command?.length === 0) throw new AgentError(ErrorCodes.USAGE, 'expected a command after "--"');
  const v = parsed.values;
  const stopProxyOnExit = v.stopProxyOnExit as boolean;
  if (stopProxyOnExit && !command) throw new AgentError(ErrorCodes.USAGE, '--stopProxyOnExit needs a command after "--": the proxy is stopped when it exits');
  return waitThenRun({
    url: checkUrl(v.url as string),
    timeoutMs: (v.timeoutSeconds as number) * 1000,
    periodMs: atLeastOne('periodMillis', v.periodMillis as number),
    requestTimeoutMs: atLeastOne('requestTimeoutMillis', v.requestTimeoutMillis as number),
    ...(command ? { command } : {}),
    ...(stopProxyOnExit ? { stopProxyStatusPort: v.statusPort as number } : {}),
    log: logger('wait'),
    report: (line) => process.stderr.write(`error: ${line}\n`),
  });
}

function checkUrl(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw flagError('--url', raw, 'expected an http:// or https:// URL');
  return raw;
}

function atLeastOne(flag: string, n: number): number {
  if (n < 1) throw flagError(`--${flag}`, String(n), 'expected a whole number of milliseconds, at least 1');
  return n;
}
