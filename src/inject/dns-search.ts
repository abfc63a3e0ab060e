import { InputError, asArray, describePath, type YamlPath } from './input-error.js';
import type { Owner } from './pod-context.js';

// `global.podDNSSearchNamespaces`: the pod's DNS search list (multicluster's `<ns>.global` names). Istio 1.5
// renders each entry as a Go template over the injection data; the entries people write use only the
// workload's name and namespace, so that subset is understood and anything else is refused at load time.

/** A piece of one entry: literal text, or a workload field with an optional valueOrDefault fallback. */
type Part = { readonly text: string } | { readonly field: keyof Pick<Owner, 'name' | 'namespace'>; readonly fallback?: string };

export type SearchTemplate = readonly Part[];

const fields: Readonly<Record<string, 'name' | 'namespace'>> = {
  '.DeploymentMeta.Namespace': 'namespace',
  '.DeploymentMeta.Name': 'name',
};

const supported = 'supported: {{ .DeploymentMeta.Namespace }}, {{ .DeploymentMeta.Name }}, {{ valueOrDefault .DeploymentMeta.Namespace "default" }}';

export function readSearchTemplates(value: unknown, path: YamlPath): SearchTemplate[] {
  return asArray(value, path).map((entry, i) => {
    if (typeof entry !== 'string') throw new InputError(`${describePath([...path, i])}: expected a string`, [...path, i]);
    return parseSearchTemplate(entry, [...path, i]);
  });
}

function parseSearchTemplate(text: string, path: YamlPath): SearchTemplate {
  const parts: Part[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open === -1) break;
    const close = rest.indexOf('}}', open);
    if (close === -1) throw new InputError(`${describePath(path)}: unclosed {{ in ${JSON.stringify(text)}`, path);
    let before = rest.slice(0, open);
    let action = rest.slice(open + 2, close);
    let after = rest.slice(close + 2);
    // Go's trim markers: {{- eats the space before, -}} the space after.
    if (action.startsWith('-')) [before, action] = [before.trimEnd(), action.slice(1)];
    if (action.endsWith('-')) [action, after] = [action.slice(0, -1), after.trimStart()];
    if (before) parts.push({ text: before });
    parts.push(parseAction(action.trim(), text, path));
    rest = after;
  }
  if (rest) parts.push({ text: rest });
  return parts;
}

function parseAction(action: string, text: string, path: YamlPath): Part {
  const direct = fields[action];
  if (direct) return { field: direct };
  const m = /^valueOrDefault\s+(\S+)\s+"([^"\\]*)"$/.exec(action);
  if (m && fields[m[1]!]) return { field: fields[m[1]!]!, fallback: m[2]! };
  throw new InputError(`${describePath(path)}: cannot render {{ ${action} }} in ${JSON.stringify(text)} (${supported})`, path);
}

/** The search list for one workload: `spec.dnsConfig.searches`. */
export function renderSearches(templates: readonly SearchTemplate[], owner: Owner): string[] {
  return templates.map((parts) => parts.map((p) => {
    if ('text' in p) return p.text;
    const value = owner[p.field];
    return value === '' && p.fallback !== undefined ? p.fallback : value;
  }).join(''));
}
