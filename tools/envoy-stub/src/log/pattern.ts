// A small spdlog pattern renderer covering the flags Envoy's default and common custom formats use.

import { LEVEL_NAMES, SHORT_LEVEL } from './levels.js';

export interface LogRecord {
  readonly time: Date;
  readonly level: number;
  readonly logger: string;
  /** "source/server/server.cc:416": what %g:%# render; %s and %@ use it too. */
  readonly source: string;
  readonly message: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function escapeC(text: string): string {
  return text.replace(/[\\\n\r\t"]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"' })[c]!);
}

function flagValue(flag: string, r: LogRecord): string | undefined {
  const t = r.time;
  const [file, line] = splitSource(r.source);
  switch (flag) {
    case 'Y': return String(t.getFullYear());
    case 'y': return pad(t.getFullYear() % 100);
    case 'm': return pad(t.getMonth() + 1);
    case 'd': return pad(t.getDate());
    case 'H': return pad(t.getHours());
    case 'M': return pad(t.getMinutes());
    case 'S': return pad(t.getSeconds());
    case 'T': return `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
    case 'D': return `${pad(t.getMonth() + 1)}/${pad(t.getDate())}/${pad(t.getFullYear() % 100)}`;
    case 'e': return pad(t.getMilliseconds(), 3);
    case 'f': return pad(t.getMilliseconds() * 1000, 6);
    case 'F': return pad(t.getMilliseconds() * 1000000, 9);
    case 'E': return String(Math.floor(t.getTime() / 1000));
    case 't': case 'P': return String(process.pid);
    case 'l': return LEVEL_NAMES[r.level] ?? 'info';
    case 'L': return SHORT_LEVEL[r.level] ?? 'I';
    case 'n': return r.logger;
    case 'v': return r.message;
    case '_': return escapeC(r.message);
    case 'j': return JSON.stringify(r.message).slice(1, -1);
    case 'g': return file;
    case 's': return file.slice(file.lastIndexOf('/') + 1);
    case '#': return line;
    case '@': return `${file}:${line}`;
    case '%': return '%';
    default: return undefined;
  }
}

function splitSource(source: string): [string, string] {
  const i = source.lastIndexOf(':');
  return i < 0 ? [source, '0'] : [source.slice(0, i), source.slice(i + 1)];
}

export function renderPattern(pattern: string, record: LogRecord): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c !== '%' || i + 1 >= pattern.length) {
      out += c;
      continue;
    }
    const value = flagValue(pattern[i + 1]!, record);
    // Unknown flags are printed as written, like spdlog does.
    out += value ?? `%${pattern[i + 1]}`;
    i++;
  }
  return out;
}
