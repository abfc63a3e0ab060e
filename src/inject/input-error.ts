// A problem with what the user gave us, tied to the place in a YAML document where it was found.
// The document reader turns it into the one-line `file:line: reason` error (exit 2).

export type YamlPath = readonly (string | number)[];

export class InputError extends Error {
  readonly path: YamlPath;

  constructor(
    message: string,
    /** Where in the document: the reader reports the line of the deepest node of this path that exists. */
    path: YamlPath,
  ) {
    super(message);
    this.path = path;
    this.name = 'InputError';
  }
}

/** Readers for untrusted YAML values that explain what they expected, at the value's own path. */
export function asRecord(value: unknown, path: YamlPath, what = 'a mapping'): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${describePath(path)}: expected ${what}`, path);
  return value as Record<string, unknown>;
}

export function asArray(value: unknown, path: YamlPath): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(`${describePath(path)}: expected a list`, path);
  return value;
}

export function asStringMap(value: unknown, path: YamlPath): Record<string, string> {
  const rec = asRecord(value, path);
  for (const [k, v] of Object.entries(rec)) {
    if (typeof v !== 'string') throw new InputError(`${describePath([...path, k])}: expected a string (quote it)`, [...path, k]);
  }
  return rec as Record<string, string>;
}

export function describePath(path: YamlPath): string {
  return path.length === 0 ? 'document' : path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}
