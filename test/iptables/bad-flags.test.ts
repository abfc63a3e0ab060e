// Bad flags and bad environment values: exit 2, exactly one line on stderr naming the flag, the
// value and what is expected — checked before anything looks at the system, so no namespace needed.
import t from 'tap';
import { runAgent } from '../helpers/agent.js';

interface BadCase {
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly stderr: RegExp;
}

const cases: BadCase[] = [
  { args: ['-p', 'abc'], stderr: /^error: invalid value "abc" for -p\/--envoy-port: a port number from 1 to 65535$/ },
  { args: ['--inbound-capture-port=70000'], stderr: /^error: invalid value "70000" for -z\/--inbound-capture-port: a port number/ },
  { args: ['--envoy-prot', '15001'], stderr: /^error: unknown flag --envoy-prot; did you mean --envoy-port\?$/ },
  { args: ['-q'], stderr: /^error: unknown shorthand flag 'q' in -q; see istio-iptables --help$/ },
  { args: ['-nq'], stderr: /^error: unknown shorthand flag 'q' in -nq/ },
  { args: ['-x', '*'], stderr: /^error: invalid value "\*" for -x\/--istio-service-exclude-cidr: .*"\*" cannot be excluded$/ },
  { args: ['-b', '80,*'], stderr: /^error: invalid value "80,\*" for -b\/--istio-inbound-ports: a comma-separated list of ports .*"\*" alone/ },
  { args: ['-d', '15090,abc'], stderr: /^error: invalid value "15090,abc" for -d\/--istio-local-exclude-ports:/ },
  { args: ['-o', '90:80'], stderr: /^error: invalid value "90:80" for -o\/--istio-local-outbound-ports-exclude:/ },
  { args: ['-u', '1337 0'], stderr: /^error: invalid value "1337 0" for -u\/--proxy-uid: a comma-separated list of numeric ids or names$/ },
  { args: ['-g', '-1'], stderr: /^error: invalid value "-1" for -g\/--proxy-gid:/ },
  { args: ['-t', '0'], stderr: /^error: invalid value "0" for -t\/--istio-inbound-tproxy-mark: a non-zero 32-bit fwmark/ },
  { args: ['-r', '1 2'], stderr: /^error: invalid value "1 2" for -r\/--istio-inbound-tproxy-route-table:/ },
  { args: ['-k', 'averyveryverylongname'], stderr: /^error: invalid value "averyveryverylongname" for -k\/--kube-virt-interfaces:/ },
  { args: ['--probe-timeout', '5'], stderr: /^error: invalid value "5" for --probe-timeout: a positive duration such as 5s or 500ms$/ },
  { args: ['--iptables-probe-port', '0'], stderr: /^error: invalid value "0" for --iptables-probe-port:/ },
  { args: ['--dry-run=maybe'], stderr: /^error: invalid value "maybe" for -n\/--dry-run: true or false$/ },
  { args: ['-f=nope'], stderr: /^error: invalid value "nope" for -f\/--restore-format: true or false$/ },
  { args: ['-p'], stderr: /^error: flag -p\/--envoy-port needs a value/ },
  { args: ['--istio-service-cidr'], stderr: /^error: flag -i\/--istio-service-cidr needs a value \(use "" for an empty one\)$/ },
  { args: ['--probe-timeout'], stderr: /^error: flag --probe-timeout needs a value \(a duration such as 5s\)$/ },
  { args: [], env: { ENVOY_PORT: 'fifteen' }, stderr: /^error: invalid value "fifteen" for \$ENVOY_PORT \(-p\/--envoy-port\): a port number/ },
  { args: [], env: { DRY_RUN: 'yes' }, stderr: /^error: invalid value "yes" for \$DRY_RUN \(-n\/--dry-run\): true or false$/ },
];

for (const c of cases) {
  t.test(`${[...c.args].join(' ') || JSON.stringify(c.env)} → exit 2`, async (t) => {
    // -n so that nothing could be applied even if a check were missing (env cases fail first anyway).
    const r = await runAgent(['istio-iptables', ...(c.env ? [] : ['-n']), ...c.args], c.env);
    t.equal(r.code, 2);
    t.equal(r.stdout, '', 'nothing printed, nothing applied');
    t.equal(r.stderr.split('\n').length, 2, 'exactly one line');
    t.match(r.stderr.trimEnd(), c.stderr);
  });
}

t.test('--help and -h print the flags with their environment variables', async (t) => {
  for (const flag of ['--help', '-h']) {
    const r = await runAgent(['istio-iptables', flag]);
    t.equal(r.code, 0);
    t.match(r.stdout, /^Script responsible for setting up port forwarding for Istio sidecar\.$/m);
    t.match(r.stdout, /-p, --envoy-port string .*\(default "15001"\) \[\$ENVOY_PORT\]/);
    t.match(r.stdout, /--run-validation .*\[\$RUN_VALIDATION\]/);
  }
});
