import type { Readable, Writable } from 'node:stream';

// Lines longer than this are passed on in pieces: a runaway line must not grow memory without bound.
const maxLine = 16 * 1024;

/** The last few lines of an epoch's stderr, for crash reports and the termination message. */
export class LineTail {
  readonly #lines: string[] = [];
  readonly capacity: number;

  constructor(capacity = 50) {
    this.capacity = capacity;
  }

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.capacity) this.#lines.shift();
  }

  get lines(): readonly string[] {
    return this.#lines;
  }
}

/**
 * Copy a child's output to ours line by line, unchanged, keeping the tail. Back-pressure is honoured:
 * when our stderr is slow the child's pipe is paused rather than buffered in memory.
 */
export function forwardLines(from: Readable, to: Writable, tail: LineTail): void {
  let partial = '';
  from.setEncoding('utf8');
  const emit = (line: string): void => {
    tail.push(line);
    if (!to.write(`${line}\n`)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  };
  from.on('data', (chunk: string) => {
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) !== -1) {
      emit(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
    while (partial.length > maxLine) {
      emit(partial.slice(0, maxLine));
      partial = partial.slice(maxLine);
    }
  });
  from.on('end', () => {
    if (partial !== '') emit(partial);
  });
}
