// Builds tap's runner before `tap` starts, when .taprc's plugin list differs from the one it was built with (after
// every `npm ci`: .taprc drops @tapjs/typescript). tap does rebuild by itself, but only for the next run: the run
// that notices still starts every test process with the old plugin set, ts-node's hooks included, ~1.1 s of CPU
// more per test file (seen: 370 s of test-process CPU on the first run of a clean clone, 190–220 s afterwards).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { TapConfig } = await import('@tapjs/config');
const wanted = (await TapConfig.load()).pluginSignature;

let built = null;
try {
  const testClass = readFileSync('node_modules/@tapjs/test/test-built/dist/esm/index.js', 'utf8');
  built = /^export const signature = `([^`]*)`/m.exec(testClass)?.[1]?.trim() ?? null;
} catch {
  // not built yet
}

if (built !== wanted) {
  const tap = spawnSync(process.execPath, ['node_modules/tap/dist/esm/run.mjs', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (tap.status !== 0) {
    console.error(`tap-runner: \`tap build\` failed (exit ${tap.status ?? tap.signal}); tap will rebuild on its first run`);
  }
}
