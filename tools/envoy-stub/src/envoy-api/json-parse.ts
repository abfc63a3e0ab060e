// Strict RFC 8259 parser producing a JTree with line:col. Envoy's protobuf JSON parser is as strict:
// no comments, no trailing commas, and a key given twice is an error rather than "last one wins".
import { type JEntry, type JNode, type Pos, keyPath, indexPath } from './json-tree.js';

export interface JsonProblem {
  kind: 'SYNTAX' | 'DUPLICATE_KEY';
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
  constructor(
    message: string,
    readonly pos: Pos,
    readonly path: string,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 500; // protobuf itself stops at 100 nested messages; this only guards our stack
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  readonly problems: JsonProblem[] = [];

  constructor(private readonly s: string) {
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
    if (c === '"') return { t: 'string', v: this.string(path), pos };
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
    const seen = new Set<string>();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { t: 'object', entries, pos };
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail(`unexpected ${this.describe()}, expected a quoted key`, path);
      const keyPos = this.pos();
      const key = this.string(path);
      this.ws();
      if (this.s[this.i] !== ':') this.fail(`unexpected ${this.describe()}, expected ':'`, keyPath(path, key));
      this.i++;
      const value = this.value(keyPath(path, key), depth + 1);
      if (seen.has(key)) {
        this.problems.push({ kind: 'DUPLICATE_KEY', path: keyPath(path, key), message: `duplicate key '${key}'`, ...keyPos });
      } else {
        seen.add(key);
        entries.push({ key, keyPos, value });
      }
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return { t: 'object', entries, pos };
      if (c !== ',') {
        this.i--;
        this.fail(`unexpected ${this.describe()}, expected ',' or '}'`, path);
      }
      this.ws();
      if (this.s[this.i] === '}') this.fail("trailing comma before '}'", path);
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
      if (this.s[this.i] === ']') this.fail("trailing comma before ']'", path);
    }
  }

  private string(path: string): string {
    this.i++; // opening quote
    let out = '';
    let start = this.i;
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string', path);
      const code = this.s.charCodeAt(this.i);
      if (code === 0x22) break;
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

/** Parses JSON text; a syntax error stops parsing (node is then undefined), duplicate keys do not. */
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
