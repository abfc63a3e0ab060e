// `pilot-agent wait` and `pilot-agent request` against a target that misbehaves at each stage of its
// answer (resets before the headers or mid-body, cuts the body short, speaks garbage, is slow or
// dribbles forever): always one line naming the reason and the documented exit code, never a crash
// or a stack trace (and for `request`, nothing on stdout).
import t from 'tap';
import { runAgent } from '../helpers/agent.js';
import { startMisbehavingApp, type AppMode } from '../helpers/misbehaving-app.js';
import { lines } from '../helpers/wait-harness.js';

// The request timeout of each attempt: short where the app is slow on purpose; generous where it answers
// (badly) at once, so that on a busy machine its answer, not the clock, ends every attempt.
const quick = { requestTimeoutMillis: '2000', timeoutSeconds: '3' };
const slow = { requestTimeoutMillis: '200', timeoutSeconds: '1' };
const waitReasons: [AppMode, RegExp, typeof quick][] = [
  ['reset-before-headers', /Last error: (connection reset|connection closed before a complete response)/, quick],
  ['reset-mid-body', /Last error: (connection reset|connection closed before a complete response)/, quick],
  ['close-mid-body', /Last error: (connection reset|connection closed before a complete response)/, quick],
  ['garbage', /Last error: .+/, quick],
  ['slow-headers', /Last error: no response within 200ms$/m, slow],
  ['slow-body', /Last error: no response within 200ms$/m, slow],
];

t.test('wait: each misbehaviour is a failed attempt with its reason', async (t) => {
  const app = await startMisbehavingApp(t);
  for (const [mode, reason, bounds] of waitReasons) {
    await app.setMode(mode);
    const url = `http://127.0.0.1:${app.port}/healthz/ready`;
    const res = await runAgent(['wait', '--url', url, '--timeoutSeconds', bounds.timeoutSeconds, '--requestTimeoutMillis', bounds.requestTimeoutMillis, '--periodMillis', '50']);
    t.equal(res.code, 255, `${mode}: exit 255`);
    t.equal(lines(res.stderr).length, 1, `${mode}: one line`);
    t.match(res.stderr, reason, `${mode}: ${res.stderr.trim()}`);
    t.notMatch(res.stderr, /\n\s+at /, 'no stack trace');
  }
});

t.test('request: each misbehaviour fails with exit 255 and one line', async (t) => {
  const app = await startMisbehavingApp(t);
  // The slow modes are bounded by Istio's 60 s request timeout, too long for a test; wait covers them.
  for (const mode of ['reset-before-headers', 'reset-mid-body', 'close-mid-body', 'garbage'] as const) {
    await app.setMode(mode);
    const res = await runAgent(['request', '--proxyAdminPort', String(app.port), 'GET', 'stats']);
    t.equal(res.code, 255, `${mode}: exit 255`);
    t.equal(lines(res.stderr).length, 1, `${mode}: one line`);
    t.match(res.stderr, /^error: GET http:\/\/localhost:\d+\/stats: .+/, `${mode}: ${res.stderr.trim()}`);
    t.notMatch(res.stderr, /\n\s+at /, 'no stack trace');
    t.equal(res.stdout, '', 'nothing on stdout');
  }
});
