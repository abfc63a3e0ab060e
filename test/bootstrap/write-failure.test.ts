import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { writeBootstrap } from '../../src/bootstrap/write.js';
import { AgentError, ErrorCodes } from '../../src/errors/index.js';

// When writing a bootstrap fails, removing the temp file may fail too (ENOTDIR, EISDIR): the error
// reported must still be the write's, never the cleanup's.

t.test('a config path that is a file reports the write failure, not the cleanup failure', async (t) => {
  const dir = t.testdir({ file: 'x' });
  const err = captured(() => writeBootstrap(join(dir, 'file'), 0, '{}'));
  t.ok(err instanceof AgentError, `an AgentError, not ${String(err)}`);
  t.equal((err as AgentError).code, ErrorCodes.WRITE);
  t.match((err as Error).message, /cannot write bootstrap .*envoy-rev0\.json: .*file exists and is not a directory/);
});

t.test('a temp path taken by a directory reports EISDIR from the write', async (t) => {
  const dir = t.testdir();
  mkdirSync(join(dir, `envoy-rev3.json.${process.pid}.tmp`));
  const err = captured(() => writeBootstrap(dir, 3, '{}'));
  t.ok(err instanceof AgentError, `an AgentError, not ${String(err)}`);
  t.equal((err as AgentError).code, ErrorCodes.WRITE);
  t.match((err as Error).message, /EISDIR/);
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
