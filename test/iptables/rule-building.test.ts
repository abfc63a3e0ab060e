// In-process checks of the pieces: flag parsing, CIDR handling, the rule builder against Istio's
// Go unit-test expectations (run_test.go, iptables_builder_test.go), and reading leftovers.
import t from 'tap';
import { parseCidr, splitCidrs } from '../../src/iptables/cidr.js';
import { resolveConfig, type IptablesConfig } from '../../src/iptables/config.js';
import { findLeftovers, preludeArgs } from '../../src/iptables/existing-rules.js';
import { firstNonLoopback } from '../../src/iptables/host-ip.js';
import { parseFlags } from '../../src/iptables/parse-flags.js';
import { perCommandArgs, restoreText } from '../../src/iptables/render.js';
import { buildRules } from '../../src/iptables/rules.js';

const host4 = () => ({ address: '192.0.2.1', ipv6: false });
const host6 = () => ({ address: '2001:db8::1', ipv6: true });

function config(argv: string[], ipv6 = false): IptablesConfig {
  return resolveConfig(parseFlags(argv), { env: {}, warn: () => {}, hostAddress: ipv6 ? host6 : host4, passwdPath: '/nonexistent' });
}
const lines = (c: IptablesConfig, family: 'v4' | 'v6'): string[] => buildRules(c)[family].map((r) => `-t ${r.table} ${r.params.join(' ')}`);

t.test('pflag-style parsing', async (t) => {
  const p = parseFlags(['-p15001', '-z=15006', '-nf=false', '--istio-service-cidr=', '-x', '', 'positional', '--', '-q']);
  t.same(Object.fromEntries(p.explicit), { 'envoy-port': '15001', 'inbound-capture-port': '15006', 'dry-run': 'true', 'restore-format': 'false', 'istio-service-cidr': '', 'istio-service-exclude-cidr': '' });
  t.same(p.positionals, ['positional', '-q']);
  t.equal(parseFlags(['-nh']).help, true);
  t.equal(parseFlags(['--run-validation=0']).explicit.get('run-validation'), 'false');
});

t.test('CIDRs are reduced to their network and printed as Go prints them', async (t) => {
  t.equal(parseCidr('10.96.0.2/24')?.text, '10.96.0.0/24');
  t.equal(parseCidr('2001:0DB8:0:0:0:0:0:1/32')?.text, '2001:db8::/32');
  t.equal(parseCidr('1:0:0:1:0:0:0:1/128')?.text, '1:0:0:1::1/128');
  t.equal(parseCidr('::ffff:10.1.2.3/128')?.text, '::ffff:a01:203/128');
  t.equal(parseCidr('fd04:3e42:4a4e:3381::1/64')?.text, 'fd04:3e42:4a4e:3381::/64');
  t.equal(parseCidr('1:2:3:4:5:6:7:8/128')?.text, '1:2:3:4:5:6:7:8/128');
  for (const bad of ['10.0.0.1', '10.0.0.0/33', '10.0.0.0/x', 'fe80::1%eth0/64', '::/129', 'host/8']) t.equal(parseCidr(bad), undefined, bad);
  // TestSeparateV4V6*: wildcard, v4 only, v6 only.
  t.same(splitCidrs('*', () => {}), { wildcard: true, v4: [], v6: [] });
  t.same(splitCidrs('10.0.0.0/8,172.16.0.0/16', () => {}), { wildcard: false, v4: ['10.0.0.0/8', '172.16.0.0/16'], v6: [] });
  t.same(splitCidrs('fd04:3e42:4a4e:3381::/64,ffff:ffff:ac10:ac10::/64', () => {}), { wildcard: false, v4: [], v6: ['fd04:3e42:4a4e:3381::/64', 'ffff:ffff:ac10:ac10::/64'] });
});

t.test('defaults: proxy uid from $ENVOY_USER in passwd, else 1337, plus root', async (t) => {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const dir = await mkdtemp('/tmp/istio-iptables-passwd-');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(`${dir}/passwd`, 'root:x:0:0::/root:/bin/sh\nistio-proxy:x:1234:1234::/:/bin/false\nenvoy:x:99:99::/:/bin/false\n');
  const resolve = (env: NodeJS.ProcessEnv) => resolveConfig(parseFlags([]), { env, warn: () => {}, hostAddress: host4, passwdPath: `${dir}/passwd` });
  t.equal(resolve({}).proxyUid, '1234,0');
  t.equal(resolve({ ENVOY_USER: 'envoy' }).proxyGid, '99,0');
  t.equal(resolve({ ENVOY_USER: 'nobody-here' }).proxyUid, '1337,0');
  const warnings: string[] = [];
  resolveConfig(parseFlags(['-m', 'tproxy']), { env: {}, warn: (l) => warnings.push(l), hostAddress: host4, passwdPath: '/nonexistent' });
  t.match(warnings, [/interception mode "tproxy" is neither REDIRECT nor TPROXY/]);
});

t.test('Go unit-test expectations (run_test.go)', async (t) => {
  const base = ['-p', '15001', '-z', '15006', '-u', '1337', '-g', '1337'];
  // TestHandleInboundIpv6RulesWithUidGid: uid 3, uid 4, gid 1, gid 2 in that order.
  const uidGid = lines(config([...base, '-u', '3,4', '-g', '1,2'], true), 'v6').filter((l) => l.includes('! -d ::1/128'));
  t.same(uidGid.map((l) => l.split(' ').at(-3)), ['3', '4', '1', '2']);
  // TestHandleInboundIpv6RulesWithWildcardRanges: kubevirt RETURN for IPv6 under -i '*'.
  const v6wild = lines(config([...base, '-i', '*', '-k', 'eth0,eth1'], true), 'v6');
  t.same(v6wild.slice(-3), ['-t nat -A ISTIO_OUTPUT -j ISTIO_REDIRECT', '-t nat -I PREROUTING 1 -i eth0 -j RETURN', '-t nat -I PREROUTING 1 -i eth1 -j RETURN']);
  // TestHandleInboundIpv4RulesWithIpNetsWithKubeVirtInterfaces.
  const v4nets = lines(config([...base, '-i', '10.0.0.0/8', '-k', 'eth1,eth2']), 'v4');
  t.same(v4nets.slice(-6), [
    '-t nat -I PREROUTING 1 -i eth1 -j RETURN',
    '-t nat -I PREROUTING 1 -i eth2 -j RETURN',
    '-t nat -I PREROUTING 1 -i eth1 -d 10.0.0.0/8 -j ISTIO_REDIRECT',
    '-t nat -I PREROUTING 1 -i eth2 -d 10.0.0.0/8 -j ISTIO_REDIRECT',
    '-t nat -A ISTIO_OUTPUT -d 10.0.0.0/8 -j ISTIO_REDIRECT',
    '-t nat -A ISTIO_OUTPUT -j RETURN',
  ]);
  // TestHandleInboundPortsIncludeWithEmptyInboundPorts: no inbound chain at all; no IPv6 without IPv6.
  const empty = config([...base, '-b', '']);
  t.notOk(lines(empty, 'v4').some((l) => l.includes('ISTIO_INBOUND') && !l.includes('ISTIO_IN_REDIRECT')));
  t.same(buildRules(empty).v6, []);
  // Empty list items are dropped (1.5.8+): no "--dport  -j RETURN".
  t.notOk(lines(config([...base, '-b', '*', '-d', '15090,,15020,']), 'v4').some((l) => l.includes('--dport  ')));
});

t.test('builder forms (iptables_builder_test.go)', async (t) => {
  t.equal(restoreText([]), '', 'empty rule list → empty restore text');
  const rules = [
    { table: 'nat' as const, chain: 'PREROUTING', params: ['-A', 'PREROUTING', '-j', 'ISTIO_X'] },
    { table: 'nat' as const, chain: 'ISTIO_X', params: ['-A', 'ISTIO_X', '-j', 'RETURN'] },
    { table: 'nat' as const, chain: 'ISTIO_X', params: ['-I', 'ISTIO_X', '2', '-j', 'ACCEPT'] },
    { table: 'mangle' as const, chain: 'ISTIO_X', params: ['-A', 'ISTIO_X', '-j', 'RETURN'] },
  ];
  t.equal(restoreText(rules), '* mangle\n-N ISTIO_X\n-A ISTIO_X -j RETURN\nCOMMIT\n* nat\n-N ISTIO_X\n-A PREROUTING -j ISTIO_X\n-A ISTIO_X -j RETURN\n-I ISTIO_X 2 -j ACCEPT\nCOMMIT\n');
  t.same(perCommandArgs(rules).slice(0, 2), [['-t', 'nat', '-N', 'ISTIO_X'], ['-t', 'mangle', '-N', 'ISTIO_X']], 'one -N per chain:table, built-ins never');
});

t.test('leftovers of an earlier run, from iptables-save', async (t) => {
  const save = [
    '# Generated by iptables-save',
    '*mangle',
    ':PREROUTING ACCEPT [0:0]',
    ':ISTIO_DIVERT - [0:0]',
    '-A PREROUTING -p tcp -j ISTIO_INBOUND',
    'COMMIT',
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':ISTIO_OUTPUT - [0:0]',
    ':OTHER - [0:0]',
    '-A PREROUTING -i eth1 -j RETURN',
    '-A PREROUTING -i eth7 -j RETURN',
    '-A PREROUTING -d 1.1.0.0/16 -i eth1 -j ISTIO_REDIRECT',
    '-A OUTPUT -p tcp -j ISTIO_OUTPUT',
    '-A OUTPUT -j OTHER',
    'COMMIT',
    '*filter',
    ':ISTIO_OUTPUT - [0:0]',
    'COMMIT',
  ].join('\n');
  const found = findLeftovers(save, 'eth1');
  t.same(Object.fromEntries(found.prelude), {
    mangle: ['-D PREROUTING -p tcp -j ISTIO_INBOUND', '-F ISTIO_DIVERT', '-X ISTIO_DIVERT'],
    nat: ['-D PREROUTING -i eth1 -j RETURN', '-D PREROUTING -d 1.1.0.0/16 -i eth1 -j ISTIO_REDIRECT', '-D OUTPUT -p tcp -j ISTIO_OUTPUT', '-F ISTIO_OUTPUT', '-X ISTIO_OUTPUT'],
  });
  t.same(preludeArgs(found)[0], ['-t', 'mangle', '-D', 'PREROUTING', '-p', 'tcp', '-j', 'ISTIO_INBOUND']);
  t.same(findLeftovers('*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n', '').prelude.size, 0, 'a clean table needs no prelude');
});

t.test('IPv4 or IPv6 pod from the first non-loopback address', async (t) => {
  const info = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal, netmask: '', mac: '', cidr: null }) as never;
  t.same(firstNonLoopback({ lo: [info('127.0.0.1', 'IPv4', true)], eth0: [info('fe80::1', 'IPv6'), info('10.1.2.3', 'IPv4')] }), { address: '10.1.2.3', ipv6: false });
  t.same(firstNonLoopback({ eth0: [info('2001:db8::5', 'IPv6')] }), { address: '2001:db8::5', ipv6: true });
  t.throws(() => firstNonLoopback({ lo: [info('127.0.0.1', 'IPv4', true)] }), /no valid local IP address found/);
});
