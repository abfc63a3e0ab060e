import { LineCounter, parseDocument, type Document } from 'yaml';
import { applyPodPatch } from './apply-patch.js';
import type { InjectConfig } from './inject-config.js';
import { injectPod } from './inject-pod.js';
import { InputError, type YamlPath } from './input-error.js';
import { readPod } from './pod-view.js';
import { findPodTargets, isWorkloadKind } from './workloads.js';

// A multi-document YAML stream in, the injected stream out. Documents are split the way Kubernetes'
// YAML reader (and so istioctl) splits them; each is followed by `---` in the output; documents that are
// not injected are written back byte for byte.

export interface StreamResult {
  readonly output: string;
  /** Skips and misspelled-annotation notes, one line each, for stderr. */
  readonly notes: readonly string[];
}

/** A problem in the input, already located: `<file>:<line>: <reason>` (line 0: the file as a whole). */
export class LocatedError extends Error {
  readonly file: string;
  readonly line: number;
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
    this.name = 'LocatedError';
  }
}

interface Chunk {
  readonly text: string;
  /** 1-based line of the chunk's first line in the whole input. */
  readonly firstLine: number;
}

export function injectYamlStream(input: string, file: string, cfg: InjectConfig): StreamResult {
  const notes: string[] = [];
  const out = splitDocuments(input).map((chunk) => `${injectChunk(chunk, file, cfg, notes)}---\n`);
  return { output: out.join(''), notes };
}

/** Kubernetes' YAMLReader: a line of `---` (plus only whitespace) ends a document; empty ones vanish. */
export function splitDocuments(input: string): Chunk[] {
  const lines = input.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const chunks: Chunk[] = [];
  let buffer: string[] = [];
  let firstLine = 1;
  lines.forEach((line, i) => {
    if (/^---\s*$/.test(line)) {
      if (buffer.length > 0) chunks.push({ text: `${buffer.join('\n')}\n`, firstLine });
      buffer = [];
      return;
    }
    if (buffer.length === 0) firstLine = i + 1;
    buffer.push(line);
  });
  if (buffer.length > 0) chunks.push({ text: `${buffer.join('\n')}\n`, firstLine });
  return chunks;
}

function injectChunk(chunk: Chunk, file: string, cfg: InjectConfig, notes: string[]): string {
  const lineCounter = new LineCounter();
  const doc = parseDocument(chunk.text, { lineCounter, logLevel: 'silent' });
  // The parser may notice an unclosed collection just past the end: report the chunk's last line then.
  const lastLine = chunk.text.split('\n').length - 1;
  const at = (line: number, reason: string): LocatedError => new LocatedError(file, chunk.firstLine - 1 + Math.min(line, lastLine), reason);
  const syntax = doc.errors[0];
  if (syntax) {
    const reason = syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw at(syntax.linePos?.[0].line ?? 1, `invalid YAML: ${reason}`);
  }
  try {
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    // Comments or blank lines only: nothing to decode, written back as is.
    if (value === null || value === undefined) return chunk.text;
    if (typeof value !== 'object' || Array.isArray(value)) throw new InputError('expected a Kubernetes object (a mapping with apiVersion and kind)', []);
    if (!isWorkloadKind((value as Record<string, unknown>).kind)) return chunk.text;
    let changed = false;
    for (const target of findPodTargets(value)) {
      const pod = readPod(target.meta, target.spec, target.metaPath, target.specPath);
      const outcome = injectPod(pod, target.owner, cfg, (note) => notes.push(note));
      if ('skipped' in outcome) {
        notes.push(outcome.skipped);
        continue;
      }
      applyPodPatch(doc, target.metaPath, target.specPath, outcome.patch);
      changed = true;
    }
    return changed ? doc.toString({ indentSeq: false, lineWidth: 0 }) : chunk.text;
  } catch (e) {
    if (e instanceof InputError) throw at(lineOf(doc, lineCounter, e.path), e.message);
    throw e;
  }
}

/** The line of the deepest node on the path that exists (a missing key is reported where its parent is). */
export function lineOf(doc: Document, lineCounter: LineCounter, path: YamlPath): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return 1;
}
