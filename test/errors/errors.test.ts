import t from 'tap';
import { AgentError, ErrorCodes, describeError, flagError } from '../../src/errors/index.js';

t.test('a usage error exits 2 with one line naming flag, value and expectation', async (t) => {
  const d = describeError(flagError('--drainDuration', '45', 'a Go duration such as 45s'));
  t.equal(d.exitCode, 2);
  t.equal(d.line, 'error: invalid value "45" for --drainDuration: a Go duration such as 45s');
  t.notMatch(d.line, /\n/);
});

t.test('a run-time failure exits 1 and an unknown error is labelled internal', async (t) => {
  t.equal(describeError(new AgentError(ErrorCodes.SPAWN, 'no envoy')).exitCode, 1);
  const d = describeError(new TypeError('boom\n    at x'));
  t.equal(d.line, 'error: internal: boom');
  t.equal(d.code, ErrorCodes.INTERNAL);
});
