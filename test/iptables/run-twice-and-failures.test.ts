// Real applies in throwaway namespaces: running again (same or other flags, both output forms,
// TPROXY) replaces what an earlier run left instead of failing; run-time failures exit 1 with one
// line carrying the tool's own message.
import t from 'tap';
import { agentBin, repoRoot } from '../helpers/agent.js';
import { asUser, must, netnsWithAddress, run, runAgentInNetns, runIstioIptablesInNetns } from '../helpers/netns.js';

const seed = ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15020'];
const tproxy = seed.map((a, i) => (seed[i - 1] === '-m' ? 'TPROXY' : a));

const rulesOf = async (ns: string, table: string): Promise<string[]> =>
  (await must('ip', ['netns', 'exec', ns, 'iptables-save', '-t', table])).split('\n').filter((l) => l.startsWith('-A ') || /^:ISTIO_/.test(l));

t.test('running twice (or three times) in the same pod leaves exactly one rule set', async (t) => {
  const ns = await netnsWithAddress(t, 'i1', '192.0.2.10/24');
  const r1 = await runAgentInNetns(ns, seed);
  t.equal(r1.code, 0, r1.stderr);
  const once = await rulesOf(ns, 'nat');
  t.equal(once.filter((l) => l.startsWith('-A ')).length, 17);

  const r2 = await runAgentInNetns(ns, seed);
  t.equal(r2.code, 0, r2.stderr);
  t.match(r2.stdout, /^Replacing the rules of an earlier run \(nat table\)/m);
  t.match(r2.stdout, /^-D PREROUTING -p tcp -j ISTIO_INBOUND$/m, 'the clean-up is part of the restore text');
  t.same(await rulesOf(ns, 'nat'), once, 'same rules after the second run');

  const r3 = await runAgentInNetns(ns, [...seed, '--restore-format=false']);
  t.equal(r3.code, 0, r3.stderr);
  t.same(await rulesOf(ns, 'nat'), once, 'and after a third, per-command run');
});

t.test('switching from TPROXY back to REDIRECT leaves no stale rules', async (t) => {
  const ns = await netnsWithAddress(t, 'i2', '192.0.2.11/24');
  for (let i = 0; i < 2; i++) {
    const r = await runAgentInNetns(ns, [...tproxy, '-k', 'eth9']);
    t.equal(r.code, 0, `TPROXY run ${i + 1}: ${r.stderr}`);
  }
  t.equal((await rulesOf(ns, 'mangle')).filter((l) => l === '-A PREROUTING -p tcp -j ISTIO_INBOUND').length, 1, 'one mangle jump after two TPROXY runs');
  t.equal((await rulesOf(ns, 'nat')).filter((l) => l === '-A PREROUTING -i eth9 -j RETURN').length, 1, 'one kubevirt exemption');
  const ipRules = await must('ip', ['netns', 'exec', ns, 'ip', 'rule', 'show', 'fwmark', '1337', 'lookup', '133']);
  t.equal(ipRules.trim().split('\n').length, 1, 'the fwmark rule is added once');
  t.match(await must('ip', ['netns', 'exec', ns, 'ip', 'route', 'show', 'table', '133']), /local default dev lo/);

  const back = await runAgentInNetns(ns, [...seed, '-k', 'eth9']);
  t.equal(back.code, 0, back.stderr);
  t.same(await rulesOf(ns, 'mangle'), [], 'back to REDIRECT: the mangle chains are gone');
  t.equal((await rulesOf(ns, 'nat')).filter((l) => l === '-A PREROUTING -i eth9 -j RETURN').length, 1, 'still one kubevirt exemption');
});

t.test('run-time failures: exit 1, one line with the tool\'s message', async (t) => {
  const ns = await netnsWithAddress(t, 'i3', '192.0.2.12/24');

  const unknownUser = await runAgentInNetns(ns, ['istio-iptables', '-u', 'no-such-user-here', '-i', '*']);
  t.equal(unknownUser.code, 1);
  t.equal(unknownUser.stderr.split('\n').length, 2, 'one line');
  t.match(unknownUser.stderr, /^error: iptables-restore --noflush \S+ failed with exit status \d+: .*/);
  t.same(await rulesOf(ns, 'nat'), [], 'nothing was applied: the transaction failed as a whole');

  const noBinary = await run('ip', ['netns', 'exec', ns, 'env', 'PATH=/nonexistent', process.execPath, agentBin, ...seed]);
  t.equal(noBinary.code, 1);
  t.equal(noBinary.stderr, 'error: iptables-restore not found in PATH; istio-iptables needs it to apply the rules (Debian package: iptables)\n');

  const unprivileged = await run('ip', ['netns', 'exec', ns, ...asUser({ uid: 1000, gid: 1000 }), 'env', '-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath, `${repoRoot}bin/istio-iptables`, ...seed.slice(1)]);
  t.equal(unprivileged.code, 1);
  t.match(unprivileged.stderr, /^error: iptables-restore --noflush \S+ failed with exit status \d+: .*\(needs root or CAP_NET_ADMIN in the pod's network namespace\)\n$/);

  const tooShort = await runIstioIptablesInNetns(ns, ['-n', '-p', '15001']);
  t.equal(tooShort.code, 0, 'dry-run needs no privilege and touches nothing');
  t.same(await rulesOf(ns, 'nat'), []);
});
