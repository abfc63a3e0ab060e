import { agentName, agentVersion } from '../../version.js';
import type { FlagSpec } from '../../flags/flag-spec.js';
import { flagHelp } from '../../flags/help.js';
import { parseArgs } from '../../flags/parse-args.js';

const versionFlags: readonly FlagSpec[] = [
  { name: 'short', type: 'bool', default: 'false', help: 'print only the version number' },
];

export function versionCommand(argv: readonly string[]): number {
  const parsed = parseArgs(argv.map((a) => (a === '-s' ? '--short' : a)), versionFlags);
  if (parsed.help) process.stdout.write(flagHelp('pilot-agent version [--short]', 'Print the version.', versionFlags));
  else if (parsed.values.short) process.stdout.write(`${agentVersion}\n`);
  else process.stdout.write(`${agentName} version ${agentVersion} (node ${process.version}, ${process.platform}/${process.arch})\n`);
  return 0;
}
