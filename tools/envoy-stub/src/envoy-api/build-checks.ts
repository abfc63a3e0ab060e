// Checks Envoy makes while it builds objects from single messages, wherever they appear (found by
// running real Envoy 1.40 --mode validate on test/fixtures/bootstrap-corpus/): regexes compile, a
// listener has filter chains and no two with the same match, the router is the last HTTP filter.
import { isIP } from 'node:net';
import { type At, type Ctx, issue } from './context.js';
import { type JNode, arrayItems, getField, keyPath, strValue, toValue } from './json-tree.js';
import type { MessageInfo } from './schema.js';

function fail(ctx: Ctx, path: string, node: JNode | undefined, message: string): void {
  ctx.errors.push(issue('SEMANTIC', { path, node, chain: [] }, message));
}

/**
 * Envoy compiles RegexMatcher.regex with RE2. JS RegExp catches the syntax errors both share ("(",
 * "[", "*a", "a{2,1}"); what RE2 lacks and JS has (lookaround, backreferences) is rejected by hand.
 */
export function re2Error(regex: string): string | undefined {
  if (/\(\?<?[=!]/.test(regex)) return 'invalid perl operator: (?=';
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(regex)) return 'invalid escape sequence: \\1';
  try {
    new RegExp(regex);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

function listenerAddress(listener: Map<string, JNode>): string | undefined {
  const sa = getField(listener.get('address'), 'socket_address');
  const address = strValue(getField(sa, 'address'));
  if (address === undefined) return undefined;
  const port = getField(sa, 'port_value');
  const p = port?.t === 'number' ? port.raw : strValue(port) ?? '0';
  return isIP(address) === 6 ? `[${address}]:${p}` : `${address}:${p}`;
}

/** JSON text with sorted keys: two filter_chain_match values compare equal when they mean the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function checkListener(ctx: Ctx, set: Map<string, JNode>, at: At): void {
  const address = listenerAddress(set);
  if (address === undefined) return; // internal and API listeners follow other rules
  const chains = arrayItems(set.get('filter_chains'));
  if (chains.length === 0 && !set.has('default_filter_chain')) {
    fail(ctx, keyPath(at.path, 'filter_chains'), at.node, `error adding listener '${address}': no filter chains specified`);
    return;
  }
  const seen = new Map<string, string>();
  chains.forEach((chain) => {
    const match = getField(chain, 'filter_chain_match');
    const key = canonical(match ? toValue(match) : {});
    const name = strValue(getField(chain, 'name')) ?? '';
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      fail(ctx, keyPath(at.path, 'filter_chains'), at.node, `error adding listener '${address}': filter chain '${name}' has the same matching rules defined as '${earlier}'. duplicate matcher is: ${key}`);
    }
    seen.set(key, name);
  });
}

const ROUTER = /\/envoy\.extensions\.filters\.http\.router\.v3\.Router$/;

function checkHttpFilters(ctx: Ctx, set: Map<string, JNode>, at: At): void {
  const filters = arrayItems(set.get('http_filters'));
  filters.forEach((f, i) => {
    const type = strValue(getField(getField(f, 'typed_config'), '@type')) ?? '';
    if (!ROUTER.test(type) || i === filters.length - 1) return;
    const name = strValue(getField(f, 'name')) ?? '';
    fail(ctx, keyPath(at.path, 'http_filters'), at.node, `Error: terminal filter named ${name} of type envoy.filters.http.router must be the last filter in a http filter chain.`);
  });
}

export function checkBuild(ctx: Ctx, info: MessageInfo, set: Map<string, JNode>, at: At): void {
  switch (info.fullName) {
    case 'envoy.type.matcher.v3.RegexMatcher': {
      const regex = strValue(set.get('regex'));
      const error = regex === undefined ? undefined : re2Error(regex);
      if (error !== undefined) fail(ctx, keyPath(at.path, 'regex'), set.get('regex'), `${error}: ${regex}`);
      return;
    }
    case 'envoy.config.listener.v3.Listener':
      return checkListener(ctx, set, at);
    case 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager':
      return checkHttpFilters(ctx, set, at);
  }
}
