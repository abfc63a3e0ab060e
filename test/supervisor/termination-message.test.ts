// Kubernetes keeps 4096 BYTES of a termination message. An envoy whose stderr is multi-byte text must still
// leave the head and its newest line in those bytes, with no character cut in half.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { startAgent } from '../helpers/running-agent.js';

t.test('a crash loop with multi-byte stderr leaves a termination message of at most 4096 bytes ending with the newest line', async (t) => {
  const dir = t.testdir({});
  const envoy = `${dir}/envoy`;
  const wide = '€'.repeat(300); // 900 bytes a line, 300 characters
  writeFileSync(envoy, `#!/bin/sh\ni=0\nwhile [ $i -lt 30 ]; do echo "line $i ${wide}" >&2; i=$((i+1)); done\necho "NEWEST ${wide.slice(0, 10)}" >&2\nexit 1\n`);
  chmodSync(envoy, 0o755);
  const agent = await startAgent(t, { args: ['--binaryPath', envoy], env: { ENVOY_RESTART_BUDGET: '2', ENVOY_RESTART_BACKOFF: '50ms' } });
  t.equal((await agent.exited).code, 1, 'gave up');
  const bytes = readFileSync(`${agent.dir}/termination-log`);
  t.ok(bytes.length <= 4096, `${bytes.length} bytes`);
  t.ok(bytes.length > 3000, 'the room is used, not thrown away');
  const text = bytes.toString('utf8');
  t.notMatch(text, /\uFFFD/, 'no character cut in half');
  t.match(text, /^envoy \(epoch 0\) exited with code 1; gave up after 2 consecutive failed starts\./);
  t.match(text, /NEWEST €{10}\n$/, 'the newest line is kept, whole');
});
