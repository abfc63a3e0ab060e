import { buildProxyConfig } from '../../config/build.js';
import { readEnv } from '../../config/env.js';
import type { ProxyConfig } from '../../config/proxy-config.js';
import { proxyFlags } from '../../config/proxy-flags.js';
import { AgentError, ErrorCodes } from '../../errors/index.js';
import { parseArgs } from '../../flags/parse-args.js';

export const ignoredFlagWarning = 'flag accepted for compatibility and ignored';

export interface ProxyInvocation {
  readonly help: boolean;
  readonly config?: ProxyConfig;
  /** Flags the user gave that this agent accepts but ignores. */
  readonly ignoredFlags: readonly string[];
}

/** `proxy` and `bootstrap` share flags, the optional role and the config they produce. */
export function parseProxyInvocation(argv: readonly string[], requireBinary: boolean): ProxyInvocation {
  const parsed = parseArgs(argv, proxyFlags);
  if (parsed.help) return { help: true, ignoredFlags: [] };
  if (parsed.positionals.length > 1) {
    throw new AgentError(ErrorCodes.USAGE, `unexpected argument ${JSON.stringify(parsed.positionals[1])}: expected at most one role (sidecar or router)`);
  }
  const role = parsed.positionals[0] ?? 'sidecar';
  const config = buildProxyConfig(role, parsed.values, readEnv(), { requireBinary });
  const ignored = new Set(proxyFlags.filter((f) => f.ignored).map((f) => f.name));
  return { help: false, config, ignoredFlags: parsed.given.filter((g) => ignored.has(g)) };
}
