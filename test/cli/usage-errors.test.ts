import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected, hangTimeout } from '../helpers/rejected.js';

// A usage error is one line on stderr and exit 2 for every command; only asked-for help goes to
// stdout (exit 0). `pilot-agent` alone used to print the whole usage to stdout with exit 2.

const cases: { args: string[]; expect: RegExp }[] = [
  { args: [], expect: /^error: expected a command \(proxy, bootstrap, .*\); see pilot-agent --help/ },
  { args: ['proxy', 'extra'], expect: /"extra" for role: expected sidecar or router/ },
  { args: ['proxy', 'sidecar', 'extra'], expect: /unexpected argument "extra"/ },
  { args: ['wait', '--bogus'], expect: /unknown flag --bogus/ },
  { args: ['istio-iptables', '--bogus'], expect: /unknown flag --bogus/ },
  { args: ['kube-inject'], expect: /filename not specified/ },
  { args: ['kube-inject', '--bogus'], expect: /unknown flag --bogus/ },
  { args: ['request'], expect: /expected <METHOD> <path>/ },
  { args: ['version', '--bogus'], expect: /unknown flag --bogus/ },
];

for (const c of cases) {
  t.test(`pilot-agent ${c.args.join(' ') || '(no arguments)'} is a one-line usage error`, async (t) => {
    const r = await runAgent(c.args, seedPodEnv, hangTimeout);
    assertRejected(t, r, c.expect);
  });
}

t.test('--help alone goes to stdout with exit 0', async (t) => {
  for (const args of [['--help'], ['help'], ['-h'], ['wait', '--help'], ['kube-inject', '--help'], ['istio-iptables', '--help']]) {
    const r = await runAgent(args, {}, hangTimeout);
    t.equal(r.code, 0, args.join(' '));
    t.match(r.stdout, /Usage|usage/, `${args.join(' ')}: usage on stdout`);
    t.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
  }
});
