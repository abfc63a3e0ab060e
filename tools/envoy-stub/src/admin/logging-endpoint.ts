// POST /logging: list loggers, or change levels with ?level=, ?<logger>= or ?paths=a:l,b:l.

import { LEVEL_NAMES, parseLevel } from '../log/levels.js';
import type { AdminContext, AdminResponse } from './admin-context.js';

function listing(ctx: AdminContext): string {
  let out = 'active loggers:\n';
  for (const [name, level] of [...ctx.log.loggers()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out += `  ${name}: ${LEVEL_NAMES[level]}\n`;
  }
  return out;
}

function usage(ctx: AdminContext, error: string): AdminResponse {
  const body =
    `error: ${error}\n\n` +
    'usage: /logging?<name>=<level> (change single level)\n' +
    'usage: /logging?paths=name1:level1,name2:level2,... (change multiple levels)\n' +
    'usage: /logging?level=<level> (change all levels)\n' +
    `levels: ${LEVEL_NAMES.join(' ')} \n` +
    listing(ctx);
  return { status: 400, body };
}

export function logging(ctx: AdminContext, params: URLSearchParams): AdminResponse {
  const entries = [...params.entries()];
  if (entries.length === 0) return { status: 200, body: `${listing(ctx)}\n` };
  if (entries.length > 1) return usage(ctx, 'invalid number of parameters');
  const [key, value] = entries[0]!;
  const changes: [string | undefined, string][] =
    key === 'paths'
      ? value.split(',').map((p) => {
          const [n, l] = p.split(':');
          return [n ?? '', l ?? ''];
        })
      : [[key === 'level' ? undefined : key, value]];
  for (const [name, levelText] of changes) {
    const level = parseLevel(levelText);
    if (level === undefined) return usage(ctx, `unknown logger level: ${levelText}`);
    if (name !== undefined && !ctx.log.loggers().has(name)) return usage(ctx, `unknown logger name: ${name}`);
  }
  for (const [name, levelText] of changes) {
    if (name === undefined) ctx.log.setAll(parseLevel(levelText)!);
    else ctx.log.setLevel(name, parseLevel(levelText)!);
  }
  return { status: 200, body: `${listing(ctx)}\n` };
}
