// `pilot-agent wait` against a scripted endpoint: readiness that flaps, connections that reset,
// answers slower than --requestTimeoutMillis. Only the first 200 counts; the last error is reported.
import t from 'tap';
import { runAgent } from '../helpers/agent.js';
import { lines, scriptedEndpoint, type Answer } from '../helpers/wait-harness.js';

const wait = (url: string, ...flags: string[]) => runAgent(['wait', '--url', url, '--periodMillis', '20', ...flags]);

t.test('flapping readiness: exits 0 on the first 200, whatever came before', async (t) => {
  const script: Answer[] = [{ status: 503, body: 'envoy not running' }, 'reset', { status: 503, body: 'draining\n' }, { status: 500 }, { status: 200 }];
  const endpoint = await scriptedEndpoint(t, (n) => script[n - 1] ?? { status: 503, body: 'asked once too often' });
  const res = await wait(endpoint.url);
  t.equal(res.code, 0, res.stderr);
  t.equal(endpoint.count(), 5, 'stopped polling at the 200');
});

t.test('failing for changing reasons until the deadline: the line names the latest one', async (t) => {
  const endpoint = await scriptedEndpoint(t, (n) => (n % 2 ? { status: 503, body: 'envoy not running' } : { status: 503, body: 'draining' }));
  const res = await wait(endpoint.url, '--timeoutSeconds', '1');
  t.equal(res.code, 255);
  t.equal(lines(res.stderr).length, 1);
  t.match(res.stderr, /Last error: 503: (draining|envoy not running)$/m);
  t.ok(endpoint.count() > 2, 'kept polling until the deadline');
});

t.test('a non-200 success status is not ready: only 200 counts, as in Istio', async (t) => {
  const endpoint = await scriptedEndpoint(t, () => ({ status: 204 }));
  const res = await wait(endpoint.url, '--timeoutSeconds', '1');
  t.equal(res.code, 255);
  t.match(res.stderr, /Last error: HTTP status code 204$/m);
});

t.test('answers slower than --requestTimeoutMillis count as failures', async (t) => {
  const endpoint = await scriptedEndpoint(t, () => 'hang');
  const res = await wait(endpoint.url, '--timeoutSeconds', '1', '--requestTimeoutMillis', '100');
  t.equal(res.code, 255);
  t.equal(lines(res.stderr).length, 1);
  t.match(res.stderr, /Last error: no response within 100ms$/m);
  t.ok(endpoint.count() >= 2, 'a hung attempt does not stall the loop');
});

t.test('slow at first, then answering: ready', async (t) => {
  const endpoint = await scriptedEndpoint(t, (n) => (n <= 2 ? 'hang' : { status: 200 }));
  const res = await wait(endpoint.url, '--requestTimeoutMillis', '100');
  t.equal(res.code, 0, res.stderr);
  t.equal(endpoint.count(), 3);
});
