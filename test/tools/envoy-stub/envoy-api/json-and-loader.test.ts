// The position-keeping JSON parser, exact integer parsing, and the loader's behaviour in a
// production install where the dev dependencies (protobufjs, @grpc/grpc-js-xds) are missing.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { parseJsonWithPositions } from '../../../../tools/envoy-stub/src/envoy-api/json-parse.js';
import { fromValue, keyPath, toValue } from '../../../../tools/envoy-stub/src/envoy-api/json-tree.js';
import { integerOf } from '../../../../tools/envoy-stub/src/envoy-api/values.js';

t.test('parses strict JSON keeping raw numbers and positions', async (t) => {
  const r = parseJsonWithPositions('\ufeff{\n  "a": [1, -2.5e3, "x\\u00e9\\n\\"", true, false, null],\n  "b": {}, "c": []\n}');
  t.same(r.problems, []);
  t.match(r.node, { t: 'object', pos: { line: 1, col: 1 }, entries: [{ key: 'a', keyPos: { line: 2, col: 3 } }, { key: 'b' }, { key: 'c' }] });
  const a = r.node?.t === 'object' ? r.node.entries[0]?.value : undefined;
  t.match(a, { t: 'array', items: [{ t: 'number', raw: '1' }, { t: 'number', raw: '-2.5e3', v: -2500 }, { t: 'string', v: 'x\u00e9\n"' }, { v: true }, { v: false }, { t: 'null' }] });
});

t.test('reports syntax errors with line:col and the path reached', async (t) => {
  const bad: [string, RegExp, number, number][] = [
    ['', /expected a JSON value/, 1, 1],
    ['{"a": 01}', /expected ',' or '}'/, 1, 8],
    ['{"a": [1,,]}', /expected a JSON value/, 1, 10],
    ['{"a": 1,,}', /expected a quoted key/, 1, 9],
    ['{"a" 1}', /expected ':'/, 1, 6],
    ['{1: 1}', /expected a quoted key/, 1, 2],
    ['[1 2]', /expected ',' or ']'/, 1, 4],
    ['{"a": "x', /unterminated string/, 1, 9],
    ['"\u0001"', /control character/, 1, 2],
    ['"\\x"', /bad escape/, 1, 2],
    ['"\\u12g4"', /bad \\u escape/, 1, 2],
    ['{} {}', /after the JSON value/, 1, 4],
    ['-', /expected a JSON value/, 1, 1],
    ['// comment\n{}', /expected a JSON value/, 1, 1],
    ['[' .repeat(600), /nested too deeply/, 1, 502],
  ];
  for (const [text, re, line, col] of bad) {
    const r = parseJsonWithPositions(text);
    t.equal(r.node, undefined, JSON.stringify(text.slice(0, 20)));
    t.match(r.problems.at(-1), { kind: 'SYNTAX', message: re, line, col }, JSON.stringify(text.slice(0, 20)));
  }
  t.match(parseJsonWithPositions('{\n "a": {\n  "b": [1, }').problems[0], { path: 'a.b', line: 3, col: 12 });
});

t.test('takes what Envoy 1.40\'s protobuf JSON parser takes: a trailing comma, single quotes, bare keys', async (t) => {
  for (const text of ['{"a": [1,],}', "{'a': 'x'}", '{a: 1, b_2: {c$: 2}}']) {
    const r = parseJsonWithPositions(text);
    t.same(r.problems, [], text);
    t.ok(r.node, text);
  }
  t.same(toValue(parseJsonWithPositions("{a: ['x',], 'b': \"y\"}").node!), { a: ['x'], b: 'y' });
});

t.test('a key given twice merges as protobuf does: objects merge, lists append, the last scalar wins', async (t) => {
  const r = parseJsonWithPositions('{"a": 1, "o": {"x": 1, "y": [1]}, "a": 2, "o": {"y": [2], "z": 3}}');
  t.same(r.problems, []);
  t.same(toValue(r.node!), { a: 2, o: { x: 1, y: [1, 2], z: 3 } });
});

t.test('integers are exact, including exponent forms', async (t) => {
  t.equal(integerOf('18446744073709551616'), 2n ** 64n);
  t.equal(integerOf('1e3'), 1000n);
  t.equal(integerOf('1.50e1'), 15n);
  t.equal(integerOf('-0.0'), 0n);
  t.equal(integerOf('1.5'), undefined);
  t.equal(integerOf('1e-3'), undefined);
  t.equal(integerOf('1e999'), undefined);
  t.equal(integerOf('abc'), undefined);
});

t.test('paths quote keys that are not identifiers; JS values map to JSON nodes', async (t) => {
  t.equal(keyPath('', 'a'), 'a');
  t.equal(keyPath('', 'a.b'), '["a.b"]');
  t.equal(keyPath('x', 'a b'), 'x["a b"]');
  t.match(fromValue({ a: undefined, b: 1n, c: () => 1, d: Infinity }), { t: 'object', entries: [{ key: 'b', value: { t: 'number', raw: '1' } }, { key: 'c', value: { t: 'string' } }, { key: 'd', value: { raw: 'NaN' } }] });
});

t.test('no module imports protobufjs at run time except through the loader', async (t) => {
  const dir = new URL('../../../../tools/envoy-stub/src/envoy-api/', import.meta.url);
  for (const f of readdirSync(dir)) {
    const src = readFileSync(new URL(f, dir), 'utf8');
    t.notMatch(src, /^import (?!type )[^;]*from 'protobufjs'/m, f);
  }
});

t.test('without the dev dependencies, tryLoadEnvoyTypes gives null and loadEnvoyTypes a clear error', async (t) => {
  const missing = (): never => {
    throw Object.assign(new Error("Cannot find module '@grpc/grpc-js-xds/package.json'"), { code: 'MODULE_NOT_FOUND' });
  };
  const loader = await t.mockImport<typeof import('../../../../tools/envoy-stub/src/envoy-api/loader.js')>('../../../../tools/envoy-stub/src/envoy-api/loader.js', {
    'node:module': { createRequire: () => ({ resolve: missing }) },
  });
  t.equal(await loader.tryLoadEnvoyTypes(), null);
  await t.rejects(loader.loadEnvoyTypes(), /dev dependencies protobufjs and @grpc\/grpc-js-xds are needed/);
});
