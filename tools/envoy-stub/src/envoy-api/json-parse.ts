// RFC 8259 parser producing a JTree with line:col, with the leniencies of the protobuf JSON parser
// Envoy 1.40 loads bootstraps with (checked against it): 'single-quoted' strings, bare identifier
// keys and one trailing comma before '}' or ']' are accepted, and a key given twice is merged the way protobuf parses into the same message (objects
// merge, lists append, anything else: the last value wins). Comments and ",," stay errors.
import { type JEntry, type JNode, type Pos, keyPath, indexPath } from './json-tree.js';

export interface JsonProblem {
  kind: 'SYNTAX';
  path: string;
  message: string;
  line: number;
  col: number;
}

export interface ParsedJson {
  node?: JNode;
  problems: JsonProblem[];
}

class SyntaxFailure extends Error {
  readonly pos: Pos;
  readonly path: string;

  constructor(
    message: string,
    pos: Pos,
    path: string,
  ) {
    super(message);
    this.pos = pos;
    this.path = path;
  }
}

const MAX_DEPTH = 500; // protobuf itself stops at 100 nested messages; this only guards our stack
const BARE_KEY = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { "'": "'", '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  readonly problems: JsonProblem[] = [];

  private readonly s: string;

  constructor(s: string) {
    this.s = s;
    if (s.charCodeAt(0) === 0xfeff) this.i = this.lineStart = 1; // tolerate a UTF-8 BOM
  }

  parseDocument(): JNode {
    const node = this.value('', 0);
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected ${this.describe()} after the JSON value`, '');
    return node;
  }

  private pos(): Pos {
    return { line: this.line, col: this.i - this.lineStart + 1 };
  }

  private fail(message: string, path: string): never {
    throw new SyntaxFailure(message, this.pos(), path);
  }

  private describe(): string {
    return this.i >= this.s.length ? 'end of input' : `character ${JSON.stringify(this.s[this.i])}`;
  }

  private ws(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\n') {
        this.i++;
        this.line++;
        this.lineStart = this.i;
      } else return;
    }
  }

  private value(path: string, depth: number): JNode {
    if (depth > MAX_DEPTH) this.fail('JSON nested too deeply', path);
    this.ws();
    const pos = this.pos();
    const c = this.s[this.i];
    if (c === '{') return this.object(path, depth, pos);
    if (c === '[') return this.array(path, depth, pos);
    if (c === '"' || c === "'") return { t: 'string', v: this.string(path), pos };
    for (const [word, node] of [
      ['true', { t: 'bool', v: true }],
      ['false', { t: 'bool', v: false }],
      ['null', { t: 'null' }],
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return { ...node, pos };
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (m && m[0] !== '-') {
      this.i += m[0].length;
      return { t: 'number', raw: m[0], v: Number(m[0]), pos };
    }
    return this.fail(`unexpected ${this.describe()}, expected a JSON value`, path);
  }

  private object(path: string, depth: number, pos: Pos): JNode {
    this.i++;
    const entries: JEntry[] = [];
    const seen = new Map<string, JEntry>();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { t: 'object', entries, pos };
    }
    for (;;) {
      this.ws();
      const keyPos = this.pos();
      const key = this.key(path);
      this.ws();
      if (this.s[this.i] !== ':') this.fail(`unexpected ${this.describe()}, expected ':'`, keyPath(path, key));
      this.i++;
      const value = this.value(keyPath(path, key), depth + 1);
      const earlier = seen.get(key);
      if (earlier) earlier.value = mergeDuplicate(earlier.value, value);
      else {
        const entry = { key, keyPos, value };
        seen.set(key, entry);
        entries.push(entry);
      }
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return { t: 'object', entries, pos };
      if (c !== ',') {
        this.i--;
        this.fail(`unexpected ${this.describe()}, expected ',' or '}'`, path);
      }
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return { t: 'object', entries, pos };
      }
    }
  }

  private array(path: string, depth: number, pos: Pos): JNode {
    this.i++;
    const items: JNode[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return { t: 'array', items, pos };
    }
    for (;;) {
      items.push(this.value(indexPath(path, items.length), depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return { t: 'array', items, pos };
      if (c !== ',') {
        this.i--;
        this.fail(`unexpected ${this.describe()}, expected ',' or ']'`, path);
      }
      this.ws();
      if (this.s[this.i] === ']') {
        this.i++;
        return { t: 'array', items, pos };
      }
    }
  }

  /** A quoted key, or a bare identifier as protobuf's parser also takes. */
  private key(path: string): string {
    const c = this.s[this.i];
    if (c === '"' || c === "'") return this.string(path);
    BARE_KEY.lastIndex = this.i;
    const m = BARE_KEY.exec(this.s);
    if (!m) this.fail(`unexpected ${this.describe()}, expected a quoted key`, path);
    this.i += m[0].length;
    return m[0];
  }

  private string(path: string): string {
    const quote = this.s.charCodeAt(this.i);
    this.i++; // opening quote
    let out = '';
    let start = this.i;
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string', path);
      const code = this.s.charCodeAt(this.i);
      if (code === quote) break;
      if (code < 0x20) this.fail('control character in string', path);
      if (code === 0x5c) {
        out += this.s.slice(start, this.i);
        const e = this.s[this.i + 1] ?? '';
        if (e === 'u') {
          const hex = this.s.slice(this.i + 2, this.i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape in string', path);
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 6;
        } else if (e in ESCAPES) {
          out += ESCAPES[e];
          this.i += 2;
        } else {
          this.fail(`bad escape \\${e} in string`, path);
        }
        start = this.i;
      } else {
        this.i++;
      }
    }
    out += this.s.slice(start, this.i);
    this.i++;
    return out;
  }
}

/** A key given twice, as protobuf parses it into one message: objects merge, lists append, else the last wins. */
function mergeDuplicate(earlier: JNode, later: JNode): JNode {
  if (earlier.t === 'array' && later.t === 'array') return { ...earlier, items: [...earlier.items, ...later.items] };
  if (earlier.t !== 'object' || later.t !== 'object') return later;
  const entries = earlier.entries.map((e) => ({ ...e }));
  for (const e of later.entries) {
    const same = entries.find((x) => x.key === e.key);
    if (same) same.value = mergeDuplicate(same.value, e.value);
    else entries.push(e);
  }
  return { ...earlier, entries };
}

/** Parses JSON text; a syntax error stops parsing (node is then undefined). */
export function parseJsonWithPositions(text: string): ParsedJson {
  const p = new Parser(text);
  try {
    const node = p.parseDocument();
    return { node, problems: p.problems };
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    return { problems: [...p.problems, { kind: 'SYNTAX', path: e.path, message: e.message, ...e.pos }] };
  }
}
