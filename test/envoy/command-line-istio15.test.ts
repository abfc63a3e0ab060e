// Envoy's command line against Istio 1.5's: the log format is passed as 1.5 passed it (checked on real Envoy in
// test/real-envoy/agent-xds.test.ts); --max-obj-name-len 189 is not, because real Envoy 1.40 refuses to start with it.
import { execFile } from 'node:child_process';
import t from 'tap';
import { envoyArgs, envoyLogFormat } from '../../src/envoy/args.js';
import { parseArgs } from '../../src/flags/parse-args.js';
import { proxyFlags } from '../../src/config/proxy-flags.js';
import { buildProxyConfig } from '../../src/config/build.js';
import { readEnv } from '../../src/config/env.js';
import { seedPodEnv } from '../helpers/agent.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';

const config = buildProxyConfig('sidecar', parseArgs([], proxyFlags).values, readEnv(seedPodEnv), { requireBinary: false });

t.test('each epoch gets Istio 1.5\'s --log-format, naming the epoch', async (t) => {
  const args = envoyArgs(config, 3, '/x/envoy-rev3.json');
  t.equal(args[args.indexOf('--log-format') + 1], '[Envoy (Epoch 3)] [%Y-%m-%d %T.%e][%t][%l][%n] %v');
  t.equal(envoyLogFormat(0), '[Envoy (Epoch 0)] [%Y-%m-%d %T.%e][%t][%l][%n] %v');
  t.notOk(args.includes('--max-obj-name-len'));
});

t.test('real Envoy 1.40 refuses --max-obj-name-len, so the agent leaves it out', async (t) => {
  const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
    execFile(realEnvoyBinary(), ['--mode', 'validate', '--max-obj-name-len', '189', '-c', '/dev/null'], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, text: `${stdout}${stderr}` });
    });
  });
  t.not(out.code, 0);
  t.match(out.text, /--max-obj-name-len -- Couldn't find match for argument/);
});
