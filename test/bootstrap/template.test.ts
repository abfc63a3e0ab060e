import t from 'tap';
import { renderTemplate } from '../../src/bootstrap/template.js';

const params = { port: 15000, host: '127.0.0.1', on: true, off: false, empty: '', list: [1], obj: { a: { b: 'deep' } } };

t.test('a whole-string placeholder takes the parameter value with its JSON type', async (t) => {
  t.same(renderTemplate({ p: '{{port}}', o: '{{ obj }}', d: '{{obj.a.b}}' }, params, 'x'), { p: 15000, o: params.obj, d: 'deep' });
});

t.test('placeholders inside a string are interpolated as text', async (t) => {
  t.same(renderTemplate(['{{host}}:{{port}}'], params, 'x'), ['127.0.0.1:15000']);
});

t.test('$if and $unless drop objects from properties and arrays', async (t) => {
  const out = renderTemplate(
    { keep: { $if: 'on', v: 1 }, gone: { $if: 'off', v: 2 }, list: [{ $if: 'empty', v: 3 }, { $unless: 'empty', v: 4 }], l: { $if: 'list' } },
    params,
    'x',
  );
  t.same(out, { keep: { v: 1 }, list: [{ v: 4 }], l: {} });
});

t.test('an unknown parameter is an error naming template, path and parameter', async (t) => {
  t.throws(() => renderTemplate({ a: { b: ['{{nope}}'] } }, params, 'my.json'), {
    code: 'PA_TEMPLATE',
    message: 'template my.json at a.b[0]: unknown parameter "nope" (see bootstrap-templates/README.md)',
  });
  t.throws(() => renderTemplate({ a: 'x{{obj}}' }, params, 'my.json'), { message: /not text/ });
  t.throws(() => renderTemplate({ a: { $if: 3 } }, params, 'my.json'), { message: /"\$if" takes a parameter name/ });
  t.throws(() => renderTemplate({ a: { $if: 'nope' } }, params, 'my.json'), { message: /unknown parameter "nope"/ });
});

t.test('a parameter value is copied, so rendering twice never shares objects', async (t) => {
  const a = renderTemplate('{{obj}}', params, 'x') as { a: unknown };
  t.not(a, params.obj);
  t.same(renderTemplate({ $if: 'off' }, params, 'x'), {});
});

t.test('$splice puts the items of a list parameter in place, and none for an empty list', async (t) => {
  const p = { two: [{ a: 1 }, { b: 2 }], none: [] };
  t.same(renderTemplate({ l: [0, { $splice: 'two' }, 3, { $splice: 'none' }] }, p, 'x'), { l: [0, { a: 1 }, { b: 2 }, 3] });
  t.throws(() => renderTemplate({ l: [{ $splice: 'host' }] }, params, 'my.json'), { code: 'PA_TEMPLATE', message: 'template my.json at l[0]: "$splice" needs a list parameter; "host" is not a list' });
  t.throws(() => renderTemplate({ l: [{ $splice: 1 }] }, params, 'my.json'), { message: /"\$splice" takes a parameter name/ });
});
