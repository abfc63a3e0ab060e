// The stub's `--mode validate` and real Envoy 1.40's give the same verdict on a corpus of bootstraps
// (test/fixtures/bootstrap-corpus/: `accept.*` controls and `reject.*` files named by what is wrong), and on a
// rejection name the same kind of error (the few known exceptions pinned below).
// The stub side runs in-process (test/helpers/stub-validate.ts), so the corpus costs one ~80 ms real-Envoy
// run per file, a few at a time. Real Envoy is the referee.
import { readdirSync } from 'node:fs';
import t from 'tap';
import { repoRoot } from '../helpers/agent.js';
import { inPool, realEnvoyBinary, realEnvoyValidate } from '../helpers/real-envoy.js';
import { stubValidate } from '../helpers/stub-validate.js';

const corpus = `${repoRoot}test/fixtures/bootstrap-corpus`;
const files = readdirSync(corpus).sort();

/**
 * Corpus files where matching real Envoy is unreasonable for the stub (none today; 13 of 56 disagreed before
 * the stub was fixed). Each must be listed in tools/envoy-stub/README.md with its reason. They still run: the
 * stub's opposite verdict is pinned, so a change on either side shows up here.
 */
const knownDifferences: Record<string, string> = {};

/**
 * What kind of error each names: the reason up to its first '(' on its first line. Real Envoy 1.40 prints some
 * reasons around absl's debug dump of the proto (a `goo.gle/debug…` marker, the text, then `: `); the dump goes.
 */
const kind = (reason: string): string =>
  reason.replace(/goo\.gle\/debug\w*[\s\S]*?(\n: |$)/, '').split('\n')[0]!.split('(')[0]!.replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, '<uuid>').trim();
const realReason = (output: string): string => kind(output.slice(output.indexOf('[critical]')).replace(/^.*?error initializing configuration '[^']*': /, ''));

/**
 * Rejections whose reason names another kind of error in the stub: [real Envoy's, the stub's]. The verdict is the
 * same; the agent only logs the reason. Listed in tools/envoy-stub/README.md; pinned, so a change shows up here.
 */
const knownReasonDifferences: Record<string, readonly [string, string]> = {
  'reject.bad-regex-in-route-match.json': ['missing ):', '/'], // RE2's words vs JS RegExp's ("/(/: Unterminated group")
  'reject.negative-duration.json': ['Invalid duration: Expected positive duration:', 'Proto constraint validation failed'],
  'reject.object-where-list-expected.json': ["error adding listener named '<uuid>': address is necessary", 'Unable to parse JSON as proto'],
  'reject.yaml-syntax-bad-indentation.yaml': ['yaml-cpp: error at line 5, column 6: end of map not found', 'Unable to convert YAML as JSON: All mapping items must start at the same column at line 5, column 1:'],
};

t.test('the corpus has 30+ broken bootstraps and a few valid controls', async (t) => {
  t.ok(files.filter((f) => f.startsWith('reject.')).length >= 30, 'broken');
  t.ok(files.filter((f) => f.startsWith('accept.')).length >= 3, 'controls');
  t.same(files.filter((f) => !/^(accept|reject)\.[a-z0-9-]+\.(json|yaml)$/.test(f)), [], 'every file says its expected verdict');
});

t.test('the stub and real envoy --mode validate agree on every corpus bootstrap', async (t) => {
  const bin = realEnvoyBinary();
  // Three at a time: validate mode takes no --base-id and shares no memory, so concurrent runs cannot clash.
  const real = await inPool(files, 3, (f) => realEnvoyValidate(`${corpus}/${f}`, bin));
  for (const [i, f] of files.entries()) {
    const expected = f.startsWith('accept.');
    const stub = await stubValidate(`${corpus}/${f}`);
    const r = real[i]!;
    const envoyReason = r.output.split('\n').find((l) => l.includes('[critical]')) ?? r.output.slice(-300);
    t.equal(r.ok, expected, `real envoy ${expected ? 'accepts' : 'rejects'} ${f}`, { envoy: envoyReason });
    if (f in knownDifferences) {
      t.equal(stub.ok, !r.ok, `${f}: the stub differs on purpose (${knownDifferences[f]})`);
      continue;
    }
    t.equal(stub.ok, r.ok, `the stub ${r.ok ? 'accepts' : 'rejects'} ${f} too`, { stub: stub.reason, envoy: envoyReason });
    if (r.ok || stub.ok) continue;
    const reasons = [realReason(r.output), kind(stub.reason)] as const;
    if (f in knownReasonDifferences) t.same(reasons, knownReasonDifferences[f], `${f}: the known difference in the reason`);
    else t.equal(reasons[1], reasons[0], `${f}: the stub names the same kind of error`, { real: reasons[0], stub: reasons[1] });
  }
});
