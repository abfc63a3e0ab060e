import { readRegularFileSync, startupFileCapBytes, UnreadableFileError } from '../fs/read-regular-file.js';

// The pod's labels and annotations as the downward API volume writes them (kube-inject mounts it at
// /etc/istio/pod): one `key="value"` line per entry, the value quoted the way Go's %q quotes.

/** Where Istio reads them: relative, so the container's working directory (/) decides, as in Istio. */
export const podAnnotationsPath = './etc/istio/pod/annotations';
export const podLabelsPath = './etc/istio/pod/labels';

export interface PodInfoFile {
  readonly entries: Readonly<Record<string, string>>;
  /** Set when the file exists but cannot be read or parsed: worth a warning, never fatal. */
  readonly problem?: string;
}

/** A downward API file, or no entries when it does not exist (no such volume: not under kube-inject). */
export function readPodInfoFile(path: string): PodInfoFile {
  let text: string;
  try {
    text = readRegularFileSync(path, startupFileCapBytes);
  } catch (e) {
    if (e instanceof UnreadableFileError && e.reason === 'ENOENT') return { entries: {} };
    if (!(e instanceof UnreadableFileError)) throw e;
    return { entries: {}, problem: `pod info file ${path} ignored: ${e.reason}` };
  }
  try {
    return { entries: parseDownwardApi(text) };
  } catch (e) {
    return { entries: {}, problem: `pod info file ${path} ignored: ${(e as Error).message}` };
  }
}

export function parseDownwardApi(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0 || line[eq + 1] !== '"' || !line.endsWith('"') || line.length < eq + 3) {
      throw new Error(`line ${i + 1} is not key="value"`);
    }
    out[line.slice(0, eq)] = goUnquote(line.slice(eq + 2, -1), i + 1);
  }
  return out;
}

const simpleEscapes: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** The inside of a Go %q string: \n, \\, \", \xHH (bytes), \uHHHH, \UHHHHHHHH, \ooo (octal bytes). */
function goUnquote(body: string, line: number): string {
  const bytes: number[] = [];
  const pushText = (s: string): void => void bytes.push(...Buffer.from(s, 'utf8'));
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      pushText(String.fromCodePoint(cp));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1] ?? '';
    if (e in simpleEscapes) {
      pushText(simpleEscapes[e]!);
      i += 2;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      bytes.push(parseInt(body.slice(i + 2, i + 4), 16));
      i += 4;
    } else if ((e === 'u' || e === 'U') && /^[0-9a-fA-F]+$/.test(body.slice(i + 2, i + (e === 'u' ? 6 : 10)))) {
      const n = e === 'u' ? 4 : 8;
      pushText(String.fromCodePoint(parseInt(body.slice(i + 2, i + 2 + n), 16)));
      i += 2 + n;
    } else if (/^[0-7]{3}$/.test(body.slice(i + 1, i + 4))) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8) & 0xff);
      i += 4;
    } else {
      throw new Error(`line ${line} has an invalid escape \\${e}`);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
