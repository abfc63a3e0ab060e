// argv → StubOptions, or the exact output and exit code Envoy produces instead of serving.

import { HOT_RESTART_DISABLED, HOT_RESTART_VERSION, versionBanner } from '../version.js';
import { buildOptions, HotRestartVersionRequested, MalformedArgvError, type StubOptions } from './options.js';
import { helpText, parseErrorText } from './tclap-output.js';
import { parseArgv, TclapParseError } from './tclap-parser.js';

export type CommandLine =
  | { kind: 'run'; options: StubOptions }
  | { kind: 'exit'; code: number; stdout: string; stderr: string };

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const exit = (code: number, stdout: string, stderr: string): CommandLine => ({ kind: 'exit', code, stdout, stderr });
  try {
    const outcome = parseArgv(argv);
    if (outcome.kind === 'help') return exit(0, helpText(), '');
    if (outcome.kind === 'version') return exit(0, versionBanner(), '');
    return { kind: 'run', options: buildOptions(outcome.values) };
  } catch (e) {
    if (e instanceof TclapParseError) return exit(1, '', parseErrorText(e));
    if (e instanceof MalformedArgvError) return exit(1, '', `${e.message}\n`);
    if (e instanceof HotRestartVersionRequested) {
      // No trailing newline, on stderr: what Envoy does.
      return exit(0, '', e.hotRestartDisabled ? HOT_RESTART_DISABLED : HOT_RESTART_VERSION);
    }
    throw e;
  }
}
