import t from 'tap';
import { formatGoDuration, parseGoDuration, toProtoDuration } from '../../src/flags/duration.js';

t.test('parses Go durations as Go does', async (t) => {
  const cases: [string, number][] = [
    ['45s', 45_000], ['1m0s', 60_000], ['1h2m3.5s', 3_723_500], ['250ms', 250], ['-1s', -1000], ['0', 0],
    ['1.5h', 5_400_000], ['100us', 0.1], ['100µs', 0.1], ['1000000ns', 1], ['.5s', 500], ['+2m', 120_000],
  ];
  for (const [text, ms] of cases) t.equal(parseGoDuration(text), ms, text);
});

t.test('rejects what Go rejects', async (t) => {
  for (const text of ['45', '', 's', '1d', '1 s', '1s2', '--1s', '1.s.', 'abc', '-']) t.equal(parseGoDuration(text), undefined, JSON.stringify(text));
});

t.test('formats like Go Duration.String and protobuf JSON', async (t) => {
  t.equal(formatGoDuration(60_000), '1m0s');
  t.equal(formatGoDuration(45_000), '45s');
  t.equal(formatGoDuration(3_600_000), '1h0m0s');
  t.equal(formatGoDuration(250), '250ms');
  t.equal(formatGoDuration(0), '0s');
  t.equal(formatGoDuration(-1500), '-1.5s');
  t.equal(toProtoDuration(250), '0.25s');
  t.equal(toProtoDuration(10_000), '10s');
});
