import { flagError } from '../errors/index.js';

const envoyLevels = ['trace', 'debug', 'info', 'warning', 'warn', 'error', 'critical', 'off'];

export interface EnvoyLogLevels {
  /** envoy -l; empty means "let envoy default". */
  readonly level: string;
  /** envoy --component-log-level, "a:b,c:d"; empty means none. */
  readonly componentLevel: string;
}

/**
 * --proxyLogLevel may carry component levels ("info,misc:error"): bare tokens set -l (last wins),
 * name:level tokens go to --component-log-level, which then replaces --proxyComponentLogLevel.
 */
export function envoyLogLevels(proxyLogLevel: string, proxyComponentLogLevel: string): EnvoyLogLevels {
  let level = '';
  const components: string[] = [];
  for (const token of splitList(proxyLogLevel)) {
    if (token.includes(':')) components.push(checkComponent('--proxyLogLevel', proxyLogLevel, token));
    else if (envoyLevels.includes(token)) level = token;
    else throw flagError('--proxyLogLevel', proxyLogLevel, `expected one of ${envoyLevels.join('|')}, optionally with name:level components`);
  }
  if (components.length === 0) {
    for (const token of splitList(proxyComponentLogLevel)) {
      components.push(checkComponent('--proxyComponentLogLevel', proxyComponentLogLevel, token));
    }
  }
  return { level, componentLevel: components.join(',') };
}

function checkComponent(flag: string, raw: string, token: string): string {
  const [name, lvl, extra] = token.split(':');
  if (!name || !lvl || extra !== undefined || !envoyLevels.includes(lvl)) {
    throw flagError(flag, raw, `expected name:level pairs separated by commas, level one of ${envoyLevels.join('|')}`);
  }
  return token;
}

const istioToPino: Record<string, string> = {
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
  none: 'silent',
};

/** Istio's --log_output_level ("info" or "default:info,ads:debug") → the agent's pino level. */
export function agentLogLevel(raw: string): string {
  let level = 'info';
  for (const token of splitList(raw)) {
    const [scope, lvl] = token.includes(':') ? token.split(':') : ['default', token];
    const mapped = istioToPino[lvl ?? ''];
    if (!mapped) {
      throw flagError('--log_output_level', raw, 'expected <level> or <scope>:<level>,… with levels debug|info|warn|error|fatal|none');
    }
    if (scope === 'default') level = mapped;
  }
  return level;
}

function splitList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
