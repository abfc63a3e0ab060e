// PGV string rules. `pattern` is RE2 in PGV; JS regex is a close approximation for the patterns
// Envoy uses (a leading `(?i)` becomes the i flag). well_known checks are approximate too.
import { isIP } from 'node:net';
import type { Rules, RuleValue } from './schema.js';

type Report = (message: string) => void;

// PGV's definitions (validate.proto: KnownRegex).
const HEADER_NAME_STRICT = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
const HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
const HEADER_LOOSE = /^[^\u0000\u000A\u000D]*$/;
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const regexCache = new Map<string, RegExp | null>();

function compile(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re !== undefined) return re;
  let src = pattern;
  let flags = 'u';
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    flags += 'i';
  }
  src = src.replace(/\\A/g, '^').replace(/\\z/g, '$');
  try {
    re = new RegExp(src, flags);
  } catch {
    try {
      re = new RegExp(src, flags.replace('u', ''));
    } catch {
      re = null; // not expressible in JS: skip rather than reject valid config
    }
  }
  regexCache.set(pattern, re);
  return re;
}

function strings(raw: RuleValue | undefined): string[] {
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
}

export function checkStringRules(r: Rules, v: string, report: Report): void {
  if (r.ignore_empty === true && v === '') return;
  const chars = [...v].length;
  const bytes = Buffer.byteLength(v, 'utf8');
  if (typeof r.const === 'string' && v !== r.const) report(`value must equal ${JSON.stringify(r.const)}`);
  if (typeof r.len === 'number' && chars !== r.len) report(`value length must be ${r.len} characters`);
  if (typeof r.min_len === 'number' && chars < r.min_len) report(`value length must be at least ${r.min_len} characters`);
  if (typeof r.max_len === 'number' && chars > r.max_len) report(`value length must be at most ${r.max_len} characters`);
  if (typeof r.len_bytes === 'number' && bytes !== r.len_bytes) report(`value length must be ${r.len_bytes} bytes`);
  if (typeof r.min_bytes === 'number' && bytes < r.min_bytes) report(`value length must be at least ${r.min_bytes} bytes`);
  if (typeof r.max_bytes === 'number' && bytes > r.max_bytes) report(`value length must be at most ${r.max_bytes} bytes`);
  if (typeof r.prefix === 'string' && !v.startsWith(r.prefix)) report(`value does not have prefix ${JSON.stringify(r.prefix)}`);
  if (typeof r.suffix === 'string' && !v.endsWith(r.suffix)) report(`value does not have suffix ${JSON.stringify(r.suffix)}`);
  if (typeof r.contains === 'string' && !v.includes(r.contains)) report(`value does not contain substring ${JSON.stringify(r.contains)}`);
  if (typeof r.not_contains === 'string' && v.includes(r.not_contains)) report(`value contains substring ${JSON.stringify(r.not_contains)}`);
  if (typeof r.pattern === 'string' && compile(r.pattern)?.test(v) === false) report(`value does not match regex pattern ${JSON.stringify(r.pattern)}`);
  const inList = strings(r.in);
  if (inList.length && !inList.includes(v)) report(`value must be in list [${inList.join(', ')}]`);
  if (strings(r.not_in).includes(v)) report(`value must not be in list [${strings(r.not_in).join(', ')}]`);
  checkWellKnown(r, v, report);
}

function checkWellKnown(r: Rules, v: string, report: Report): void {
  if (r.well_known_regex === 'HTTP_HEADER_NAME') {
    const re = r.strict === false ? HEADER_LOOSE : HEADER_NAME_STRICT;
    if (!re.test(v)) report(`value does not match regex pattern ${JSON.stringify(re.source)}`);
  } else if (r.well_known_regex === 'HTTP_HEADER_VALUE') {
    const re = r.strict === false ? HEADER_LOOSE : HEADER_VALUE_STRICT;
    if (!re.test(v)) report(`value does not match regex pattern ${JSON.stringify(re.source)}`);
  }
  if (r.ip === true && !isIP(v)) report('value must be a valid IP address');
  if (r.ipv4 === true && isIP(v) !== 4) report('value must be a valid IPv4 address');
  if (r.ipv6 === true && isIP(v) !== 6) report('value must be a valid IPv6 address');
  if (r.hostname === true && !HOSTNAME.test(v)) report('value must be a valid hostname');
  if (r.address === true && !isIP(v) && !HOSTNAME.test(v)) report('value must be a valid hostname, or ip address');
  if (r.uuid === true && !UUID.test(v)) report('value must be a valid UUID');
  if (r.email === true && !/^[^@\s]+@[^@\s]+$/.test(v)) report('value must be a valid email address');
  if (r.uri === true && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) report('value must be absolute');
}
