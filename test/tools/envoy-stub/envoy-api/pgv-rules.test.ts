// PGV string rules in isolation (PGV's wording), including the approximate well-known formats.
import t from 'tap';
import { checkStringRules } from '../../../../tools/envoy-stub/src/envoy-api/pgv-string.js';
import type { Rules } from '../../../../tools/envoy-stub/src/envoy-api/schema.js';

function failures(rules: Rules, v: string): string[] {
  const out: string[] = [];
  checkStringRules(rules, v, (m) => out.push(m));
  return out;
}

t.test('length, affix, membership and pattern rules', async (t) => {
  t.same(failures({ min_len: 2 }, 'é'), ['value length must be at least 2 characters'], 'counts code points');
  t.same(failures({ max_bytes: 1 }, 'é'), ['value length must be at most 1 bytes'], 'counts UTF-8 bytes');
  t.same(failures({ len: 1, len_bytes: 1, min_bytes: 3, max_len: 0 }, 'ab'), [
    'value length must be 1 characters',
    'value length must be at most 0 characters',
    'value length must be 1 bytes',
    'value length must be at least 3 bytes',
  ]);
  t.same(failures({ const: 'x', prefix: 'p', suffix: 's', contains: 'c', not_contains: 'a' }, 'a'), [
    'value must equal "x"',
    'value does not have prefix "p"',
    'value does not have suffix "s"',
    'value does not contain substring "c"',
    'value contains substring "a"',
  ]);
  t.same(failures({ in: ['a', 'b'] }, 'c'), ['value must be in list [a, b]']);
  t.same(failures({ not_in: 'c' }, 'c'), ['value must not be in list [c]']);
  t.same(failures({ ignore_empty: true, min_len: 1 }, ''), []);
  t.same(failures({ pattern: '(?i)^abc$' }, 'ABC'), [], 'RE2 (?i) becomes the i flag');
  t.same(failures({ pattern: '\\Aa\\z' }, 'b'), ['value does not match regex pattern "\\\\Aa\\\\z"']);
  t.same(failures({ pattern: '(?P<n>a)' }, 'b'), [], 'an RE2-only pattern is skipped rather than rejecting config');
});

t.test('well-known formats', async (t) => {
  t.same(failures({ well_known_regex: 'HTTP_HEADER_NAME' }, 'x y'), ['value does not match regex pattern "^:?[0-9a-zA-Z!#$%&\'*+\\\\-.^_|~`]+$"']);
  t.same(failures({ well_known_regex: 'HTTP_HEADER_NAME' }, ':path'), []);
  t.equal(failures({ well_known_regex: 'HTTP_HEADER_VALUE' }, 'a\u0001').length, 1);
  t.same(failures({ well_known_regex: 'HTTP_HEADER_VALUE', strict: false }, 'a\u0001'), []);
  t.same(failures({ ip: true, ipv4: true, ipv6: true }, '::1'), ['value must be a valid IPv4 address']);
  t.same(failures({ hostname: true, address: true }, 'bad host'), ['value must be a valid hostname', 'value must be a valid hostname, or ip address']);
  t.same(failures({ address: true, hostname: true }, 'zipkin.istio-system'), []);
  t.same(failures({ uuid: true, email: true, uri: true }, 'nope'), ['value must be a valid UUID', 'value must be a valid email address', 'value must be absolute']);
  t.same(failures({ uuid: true, email: true, uri: true, ip: true }, '1.2.3.4'), ['value must be a valid UUID', 'value must be a valid email address', 'value must be absolute']);
});
