import { AgentError, ErrorCodes } from '../errors/index.js';

// The bootstrap template language, kept small enough to explain in one README:
//   "{{name}}"            a whole-string placeholder becomes the parameter's JSON value (number, object, …)
//   "x-{{name}}-y"        placeholders inside a longer string are interpolated as text
//   { "$if": "name", … }  the object is kept only when the parameter is truthy ("$unless": the opposite);
//                         a dropped object disappears from its parent property or array
//   { "$splice": "name" } in an array: replaced by the items of the list parameter (none when empty)
// A template is plain JSON, so any JSON tool can read it; an unknown parameter is an error, never "",
// and so is a "{{" that does not open a well-formed placeholder.

export type TemplateParams = Readonly<Record<string, unknown>>;

const whole = /^\{\{\s*([\w.]+)\s*\}\}$/;
const inner = /\{\{\s*([\w.]+)\s*\}\}/g;
const dropped = Symbol('dropped');

export function renderTemplate(template: unknown, params: TemplateParams, source: string): unknown {
  const out = render(template, params, { source, path: '' });
  return out === dropped ? {} : out;
}

interface Where {
  readonly source: string;
  readonly path: string;
}

function render(node: unknown, params: TemplateParams, where: Where): unknown {
  if (typeof node === 'string') return renderString(node, params, where);
  if (Array.isArray(node)) {
    return node.flatMap((item, i) => {
      const at = { ...where, path: `${where.path}[${i}]` };
      if (isSplice(item)) return spliced(item.$splice, params, at);
      const rendered = render(item, params, at);
      return rendered === dropped ? [] : [rendered];
    });
  }
  if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if (!keep(obj, params, where)) return dropped;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      if (key === '$if' || key === '$unless') continue;
      const rendered = render(value, params, { ...where, path: where.path ? `${where.path}.${key}` : key });
      if (rendered !== dropped) out[key] = rendered;
    }
    return out;
  }
  return node;
}

function isSplice(item: unknown): item is { $splice: unknown } {
  return item !== null && typeof item === 'object' && !Array.isArray(item) && '$splice' in item;
}

function spliced(name: unknown, params: TemplateParams, where: Where): unknown[] {
  if (typeof name !== 'string') throw templateError(where, '"$splice" takes a parameter name');
  const value = lookup(name, params, where);
  if (!Array.isArray(value)) throw templateError(where, `"$splice" needs a list parameter; "${name}" is not a list`);
  return structuredClone(value);
}

function keep(obj: Record<string, unknown>, params: TemplateParams, where: Where): boolean {
  for (const key of ['$if', '$unless'] as const) {
    if (!(key in obj)) continue;
    const name = obj[key];
    if (typeof name !== 'string') throw templateError(where, `"${key}" takes a parameter name`);
    const truthy = isTruthy(lookup(name, params, where));
    if (truthy !== (key === '$if')) return false;
  }
  return true;
}

function renderString(text: string, params: TemplateParams, where: Where): unknown {
  const m = whole.exec(text);
  if (m) return structuredClone(lookup(m[1]!, params, where));
  // "{{node_id" or "{{ node id }}" would otherwise reach envoy as literal text: a typo is an error.
  const stray = text.replace(inner, '').indexOf('{{');
  if (stray !== -1) {
    const placeholder = text.replace(inner, '').slice(stray, stray + 40);
    throw templateError(where, `unterminated or malformed placeholder ${JSON.stringify(placeholder)}; placeholders are {{name}}`);
  }
  return text.replace(inner, (_, name: string) => {
    const value = lookup(name, params, where);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw templateError(where, `parameter "${name}" is not text and cannot be placed inside a string`);
  });
}

function lookup(name: string, params: TemplateParams, where: Where): unknown {
  let value: unknown = params;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) {
      throw templateError(where, `unknown parameter "${name}" (see bootstrap-templates/README.md)`);
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function templateError(where: Where, message: string): AgentError {
  return new AgentError(ErrorCodes.TEMPLATE, `template ${where.source} at ${where.path || '(root)'}: ${message}`);
}
