// Flag values out of their range or type: durations, addresses, ports, enums, the role.
// Each bad input: exit 2, exactly one line on stderr that names it, no stack trace, nothing on stdout.
// (One of the files split from the former bad-input.test.ts so the agent spawns run in parallel.)
import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { assertRejected } from '../helpers/rejected.js';

const cases: { name: string; args: string[]; env?: Record<string, string>; expect: RegExp }[] = [
  { name: 'a bare number as a duration', args: ['bootstrap', '--drainDuration', '45'], expect: /"45" for --drainDuration: expected a Go duration/ },
  { name: 'a fractional drain duration', args: ['bootstrap', '--drainDuration', '1.5s'], expect: /"1\.5s" for --drainDuration: expected whole seconds/ },
  { name: 'a drain duration of an hour', args: ['bootstrap', '--drainDuration', '1h', '--parentShutdownDuration', '2h'], expect: /"1h0m0s" for --drainDuration: expected whole seconds from 1s to under 1h/ },
  { name: 'parent shutdown not longer than drain', args: ['bootstrap', '--drainDuration', '60s', '--parentShutdownDuration', '45s'], expect: /"45s" for --parentShutdownDuration: expected longer than --drainDuration \(1m0s\)/ },
  { name: 'a discovery address without a port', args: ['bootstrap', '--discoveryAddress', 'istiod.istio-system.svc'], expect: /"istiod\.istio-system\.svc" for --discoveryAddress: expected host:port/ },
  { name: 'a discovery port out of range', args: ['bootstrap', '--discoveryAddress', 'istiod:70000'], expect: /"istiod:70000" for --discoveryAddress/ },
  { name: 'a connect timeout above 30s', args: ['bootstrap', '--connectTimeout', '31s'], expect: /"31s" for --connectTimeout: expected a duration from 1ms to 30s/ },
  { name: 'an admin port of 0', args: ['bootstrap', '--proxyAdminPort', '0'], expect: /"0" for --proxyAdminPort: expected a port number from 1 to 65535/ },
  { name: 'a status port that is not a number', args: ['bootstrap', '--statusPort', 'http'], expect: /"http" for --statusPort/ },
  { name: 'an unknown auth policy', args: ['bootstrap', '--controlPlaneAuthPolicy', 'TLS'], expect: /"TLS" for --controlPlaneAuthPolicy: expected one of NONE, MUTUAL_TLS/ },
  { name: 'an unknown role', args: ['bootstrap', 'gateway'], expect: /"gateway" for role: expected sidecar or router/ },
  { name: 'a base id envoy cannot scale', args: ['bootstrap', '--baseId', '500000000'], expect: /"500000000" for --baseId/ },
];

for (const c of cases) {
  t.test(`rejects ${c.name} with exit 2 and one line`, async (t) => {
    assertRejected(t, await runAgent(c.args, { ...seedPodEnv, ...c.env }), c.expect);
  });
}
