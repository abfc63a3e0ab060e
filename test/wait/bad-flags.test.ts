// Bad input to `wait` and `request`: exit 2 and one line naming the flag or argument, the value and
// what is expected — before anything is polled, spawned or requested.
import t from 'tap';
import { runAgent } from '../helpers/agent.js';
import { lines } from '../helpers/wait-harness.js';

const cases: ReadonlyArray<readonly [args: string[], line: RegExp]> = [
  [['wait', '--timeoutSeconds', '1m'], /^error: invalid value "1m" for --timeoutSeconds: expected a whole number/],
  [['wait', '--periodMillis', '-5'], /^error: flag --periodMillis needs a value|^error: invalid value "-5" for --periodMillis/],
  [['wait', '--periodMillis', '0'], /^error: invalid value "0" for --periodMillis: expected a whole number of milliseconds, at least 1$/],
  [['wait', '--requestTimeoutMillis=0'], /^error: invalid value "0" for --requestTimeoutMillis: expected a whole number of milliseconds, at least 1$/],
  [['wait', '--url', 'localhost:15021/healthz/ready'], /^error: invalid value "localhost:15021\/healthz\/ready" for --url: expected an http:\/\/ or https:\/\/ URL$/],
  [['wait', '--url'], /^error: flag --url needs a value/],
  [['wait', '--timeoutSecond', '5'], /^error: unknown flag --timeoutSecond \(did you mean --timeoutSeconds\?\)$/],
  [['wait', 'python', 'app.py'], /^error: unexpected argument "python": put the command to run after "--"$/],
  [['wait', '--'], /^error: expected a command after "--"$/],
  [['request'], /^error: expected <METHOD> <path> \[body\]/],
  [['request', 'GET'], /^error: expected <METHOD> <path> \[body\]/],
  [['request', 'GET', 'a', 'b', 'c'], /^error: unexpected argument "c"/],
  [['request', 'GE T', 'server_info'], /^error: invalid HTTP method "GE T"/],
  [['request', '--debug-port', '70000', 'GET', 'x'], /^error: invalid value "70000" for --debug-port: expected a port number/],
  [['request', '--debug-port', '9090', 'GET', 'x'], /^error: invalid value "9090" for --debug-port: expected one of the proxy's own ports/],
  [['request', '--debugport', '15000', 'GET', 'x'], /^error: unknown flag --debugport \(did you mean --debug-port\?\)$/],
];

for (const [args, line] of cases) {
  t.test(`pilot-agent ${args.join(' ')}`, async (t) => {
    const res = await runAgent(args);
    t.equal(res.code, 2, 'exit 2');
    t.match(lines(res.stderr), [line], 'one line naming what was wrong');
    t.equal(lines(res.stderr).length, 1);
    t.notMatch(res.stderr, /\n\s+at /, 'no stack trace');
    t.equal(res.stdout, '', 'nothing started, nothing logged');
  });
}

t.test('a bad ENVOY_STATUS_PORT is bad input too', async (t) => {
  const res = await runAgent(['request', 'GET', 'server_info'], { ENVOY_STATUS_PORT: 'abc' });
  t.equal(res.code, 2);
  t.same(lines(res.stderr), ['error: invalid value "abc" for ENVOY_STATUS_PORT: expected a port number from 1 to 65535']);
});

t.test('--help prints each command\'s flags from its table and exits 0', async (t) => {
  const wait = await runAgent(['wait', '--help']);
  t.equal(wait.code, 0);
  for (const flag of ['--url', '--timeoutSeconds', '--periodMillis', '--requestTimeoutMillis']) t.match(wait.stdout, flag);
  const request = await runAgent(['request', '-h']);
  t.equal(request.code, 0);
  for (const flag of ['--debug-port', '--proxyAdminPort', '--statusPort']) t.match(request.stdout, flag);
});
