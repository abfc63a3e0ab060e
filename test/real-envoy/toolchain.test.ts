import t from 'tap';
import { pinnedEnvoyVersion, realEnvoyBinary, realEnvoyVersion } from '../helpers/real-envoy.js';

t.test('the real Envoy in the toolchain is the pinned 1.40 binary itself, not a wrapper script', async (t) => {
  const bin = realEnvoyBinary();
  if (!process.env.ENVOY_BINARY) t.equal(realEnvoyVersion(bin), pinnedEnvoyVersion, 'pinned version');
  const { readFileSync, realpathSync } = await import('node:fs');
  const head = readFileSync(realpathSync(bin)).subarray(0, 4);
  t.same([...head], [0x7f, 0x45, 0x4c, 0x46], 'an ELF executable (signals, pids and exit codes are envoy\'s own)');
});
