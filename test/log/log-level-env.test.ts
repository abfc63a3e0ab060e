import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected, hangTimeout } from '../helpers/rejected.js';

// PILOT_AGENT_LOG_LEVEL is read when the logger module loads; a bad value used to make pino throw
// there, with a stack trace, for every command.

for (const args of [['version'], ['bootstrap'], ['wait', '--timeoutSeconds', '1']]) {
  t.test(`pilot-agent ${args[0]} with PILOT_AGENT_LOG_LEVEL=loud exits 2 with one line`, async (t) => {
    const r = await runAgent(args, { ...seedPodEnv, PILOT_AGENT_LOG_LEVEL: 'loud' }, hangTimeout);
    assertRejected(t, r, /^error: invalid value "loud" for PILOT_AGENT_LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent\n$/);
  });
}

t.test('a known PILOT_AGENT_LOG_LEVEL and an empty one are accepted', async (t) => {
  for (const level of ['debug', '']) {
    const r = await runAgent(['version', '--short'], { PILOT_AGENT_LOG_LEVEL: level });
    t.equal(r.code, 0, `${JSON.stringify(level)}: ${r.stderr}`);
  }
});
