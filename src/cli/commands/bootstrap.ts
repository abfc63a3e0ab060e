import { generateBootstrap } from '../../bootstrap/generate.js';
import { flagHelp } from '../../flags/help.js';
import { proxyFlags } from '../../config/proxy-flags.js';
import { ignoredFlagWarning, parseProxyInvocation } from './shared.js';

export const bootstrapHelp = flagHelp(
  'pilot-agent bootstrap [sidecar|router] [flags]',
  'Print the envoy bootstrap that `pilot-agent proxy` would write for these flags and environment, then exit.\nThe envoy binary does not need to exist.',
  proxyFlags,
);

export async function bootstrapCommand(argv: readonly string[]): Promise<number> {
  const inv = parseProxyInvocation(argv, false);
  if (inv.help || !inv.config) {
    process.stdout.write(bootstrapHelp);
    return 0;
  }
  const generated = await generateBootstrap(inv.config);
  // The same warnings `proxy` logs: ignored compatibility flags, then what rendering found.
  for (const flag of inv.ignoredFlags) process.stderr.write(`warning: ${ignoredFlagWarning} (--${flag})\n`);
  for (const w of generated.warnings) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(generated.json);
  return 0;
}
