// Flag syntax (unknown, misspelt, missing value), log levels, addresses, missing files, commands.
// Each bad input: exit 2, exactly one line on stderr that names it, no stack trace, nothing on stdout.
// (One of the files split from the former bad-input.test.ts so the agent spawns run in parallel.)
import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected } from '../helpers/rejected.js';

const cases: { name: string; args: string[]; env?: Record<string, string>; expect: RegExp }[] = [
  { name: 'a misspelt flag', args: ['bootstrap', '--drainDurations', '4s'], expect: /unknown flag --drainDurations \(did you mean --drainDuration\?\)/ },
  { name: 'a single-dash long flag', args: ['bootstrap', '-configPath', '/tmp'], expect: /unknown flag -configPath \(did you mean --configPath\?\)/ },
  { name: 'a flag without its value', args: ['bootstrap', '--configPath'], expect: /flag --configPath needs a value/ },
  { name: 'a bool that is not true or false', args: ['bootstrap', '--controlPlaneBootstrap=maybe'], expect: /"maybe" for --controlPlaneBootstrap: expected true or false/ },
  { name: 'a negative concurrency', args: ['bootstrap', '--concurrency=-1'], expect: /"-1" for --concurrency: expected a whole number/ },
  { name: 'a bad envoy log level', args: ['bootstrap', '--proxyLogLevel', 'verbose'], expect: /"verbose" for --proxyLogLevel/ },
  { name: 'a bad component log level', args: ['bootstrap', '--proxyComponentLogLevel', 'misc'], expect: /"misc" for --proxyComponentLogLevel: expected name:level pairs/ },
  { name: 'a bad agent log level', args: ['bootstrap', '--log_output_level', 'default:loud'], expect: /"default:loud" for --log_output_level/ },
  { name: 'an --ip that is not an address', args: ['bootstrap', '--ip', '10.1.2'], expect: /"10\.1\.2" for --ip: expected an IPv4 or IPv6 address/ },
  { name: 'a missing envoy binary', args: ['proxy', '--binaryPath', '/nonexistent/envoy'], expect: /"\/nonexistent\/envoy" for --binaryPath: expected an executable envoy binary/ },
  { name: 'an unreadable custom config file', args: ['bootstrap', '--customConfigFile', '/nonexistent.json'], expect: /"\/nonexistent\.json" for --customConfigFile: expected a readable file/ },
  { name: 'a missing template', args: ['bootstrap', '--templateFile', '/nonexistent.json'], expect: /cannot read "\/nonexistent\.json" \(--templateFile\): ENOENT/ },
  { name: 'an unknown command', args: ['proxi'], expect: /unknown command "proxi" \(did you mean proxy\?\)/ },
  { name: 'two roles', args: ['bootstrap', 'sidecar', 'router'], expect: /unexpected argument "router"/ },
];

for (const c of cases) {
  t.test(`rejects ${c.name} with exit 2 and one line`, async (t) => {
    assertRejected(t, await runAgent(c.args, { ...seedPodEnv, ...c.env }), c.expect);
  });
}
