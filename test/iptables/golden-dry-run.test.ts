// Istio 1.5's golden outputs, byte for byte, from the real binary in --dry-run. Fixtures are the
// 1.5.0 goldens with the three 1.5.x changes applied (see test/fixtures/iptables/README.md). Each
// run happens in a namespace whose only non-loopback address picks IPv4 or IPv6, like a pod's.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { repoRoot } from '../helpers/agent.js';
import { netnsWithAddress, runAgentInNetns, runIstioIptablesInNetns } from '../helpers/netns.js';

const fixture = (name: string): string => readFileSync(`${repoRoot}test/fixtures/iptables/${name}.golden`, 'utf8');

/** Temp file names carry a timestamp and random digits; the fixtures spell them as placeholders. */
const normalise = (stdout: string): string => stdout.replace(/\S*\/(ip6?tables-rules)-\d+\.txt\d+/g, '<TMPDIR>/$1-<N>.txt<R>');

// No istio-proxy user, like the golden script's stub environment: the default UID is 1337,0.
const env = { ENVOY_USER: 'no-such-user-for-istio-iptables' };

const seed = ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15020'];
const scriptBase = ['-p', '12345', '-u', '4321', '-g', '4444', '-m', 'REDIRECT', '-b', '5555,6666', '-d', '7777,8888', '-i', '1.1.0.0/16', '-x', '9.9.0.0/16', '-k', 'eth1,eth2'];
const withValue = (args: string[], flag: string, value: string): string[] => args.map((a, i) => (args[i - 1] === flag ? value : a));

interface GoldenCase {
  readonly name: string;
  readonly args: readonly string[];
  readonly ipv6?: boolean;
}

const cases: GoldenCase[] = [
  // The seed's command first: default restore form, then per-command, TPROXY and an IPv6 pod.
  { name: 'seed', args: [...seed, '-n'] },
  { name: 'seed_per_command', args: [...seed, '--dry-run', '--restore-format=false'] },
  { name: 'seed_tproxy', args: [...withValue(seed, '-m', 'TPROXY'), '-n'] },
  { name: 'seed_ipv6', args: [...seed, '-n'], ipv6: true },
  // tests/scripts/istio-iptables-test.sh: `--dry-run --restore-format=false <params>`.
  { name: 'empty_parameter', args: [] },
  { name: 'mode_redirect', args: scriptBase },
  { name: 'mode_tproxy', args: withValue(scriptBase, '-m', 'TPROXY') },
  { name: 'mode_tproxy_and_wildcard_port', args: withValue(withValue(scriptBase, '-m', 'TPROXY'), '-b', '*') },
  { name: 'outbound_port_exclude', args: [...scriptBase, '-o', '1024,21'] },
  { name: 'wildcard_include_ip_range', args: withValue(scriptBase, '-i', '*') },
  {
    name: 'mode_tproxy_and_ipv6',
    args: withValue(withValue(withValue(withValue(scriptBase, '-m', 'TPROXY'), '-b', '*'), '-i', '2001:db8::/32'), '-x', '2019:db8::/32'),
    ipv6: true,
  },
];
const scriptCase = (c: GoldenCase): boolean => !c.name.startsWith('seed');

t.test('golden outputs', async (t) => {
  const v4 = await netnsWithAddress(t, 'g4', '192.0.2.10/24');
  const v6 = await netnsWithAddress(t, 'g6', '2001:db8::10/64');
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const args = scriptCase(c) ? ['--dry-run', '--restore-format=false', ...c.args] : c.args;
      const r = await runAgentInNetns(c.ipv6 ? v6 : v4, ['istio-iptables', ...args], env);
      t.equal(r.stderr, '', 'nothing on stderr');
      t.equal(r.code, 0);
      t.equal(normalise(r.stdout), fixture(c.name));
    });
  }

  await t.test('bin/istio-iptables prints the same as pilot-agent istio-iptables', async (t) => {
    const r = await runIstioIptablesInNetns(v4, [...seed, '-n'], env);
    t.equal(r.code, 0);
    t.equal(normalise(r.stdout), fixture('seed'));
  });

  await t.test('environment variables stand in for flags, and are echoed in the Environment block', async (t) => {
    const r = await runAgentInNetns(v4, ['istio-iptables', '-n', '-f=false'], {
      ...env,
      ENVOY_PORT: '12345',
      PROXY_UID: '4321',
      PROXY_GID: '4444',
      ISTIO_INBOUND_INTERCEPTION_MODE: 'REDIRECT',
      ISTIO_INBOUND_PORTS: '5555,6666',
      ISTIO_LOCAL_EXCLUDE_PORTS: '7777,8888',
      ISTIO_SERVICE_CIDR: '1.1.0.0/16',
      ISTIO_SERVICE_EXCLUDE_CIDR: '9.9.0.0/16',
      KUBE_VIRT_INTERFACES: 'eth1,eth2',
    });
    t.equal(r.code, 0);
    const rules = (s: string): string => s.slice(s.indexOf('iptables -t'));
    t.equal(rules(r.stdout), rules(fixture('mode_redirect')), 'same rules as the flags give');
    t.match(r.stdout, /^ENVOY_PORT=12345$/m);
    t.match(r.stdout, /^ISTIO_SERVICE_EXCLUDE_CIDR=9\.9\.0\.0\/16$/m);
  });

  await t.test('an explicit flag beats its environment variable', async (t) => {
    const r = await runAgentInNetns(v4, ['istio-iptables', '-n', '-p', '15001'], { ...env, ENVOY_PORT: '9999' });
    t.equal(r.code, 0);
    t.match(r.stdout, /^PROXY_PORT=15001$/m);
    t.notMatch(r.stdout, /--to-ports 9999/);
  });

  await t.test('invalid CIDRs are skipped with Istio\'s warning; CIDRs are reduced to their network', async (t) => {
    const r = await runAgentInNetns(v4, ['istio-iptables', '-n', '-i', '10.96.0.2/24,10.0.0.1,,', '-x', '127.0.0.1/24'], env);
    t.equal(r.code, 0);
    t.equal(r.stderr, 'Ignoring error for bug compatibility with istio-iptables.sh: invalid CIDR address: 10.0.0.1\n');
    t.match(r.stdout, /^-A ISTIO_OUTPUT -d 10\.96\.0\.0\/24 -j ISTIO_REDIRECT$/m);
    t.match(r.stdout, /^-A ISTIO_OUTPUT -d 127\.0\.0\.0\/24 -j RETURN$/m);
  });
});
