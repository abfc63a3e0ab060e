import t from 'tap';
import { AgentError, ErrorCodes, describeError } from '../../src/errors/index.js';

// The last resort of the one-line contract: a line break that reached a message is escaped.

t.test('line breaks in an error message are escaped, keeping one line', async (t) => {
  const d = describeError(new AgentError(ErrorCodes.TEMPLATE, 'bad "a\nb" and "c\r\nd" and "e\u2028f"'));
  t.equal(d.line, 'error: bad "a\\nb" and "c\\nd" and "e\\nf"');
  t.equal(d.exitCode, 2);
});

t.test('an internal error keeps only its first line', async (t) => {
  const d = describeError(new Error('boom\r\nat somewhere'));
  t.equal(d.line, 'error: internal: boom');
  t.equal(d.exitCode, 1);
});
