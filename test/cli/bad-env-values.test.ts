// Pod and restart-policy environment values the agent cannot use.
// Each bad input: exit 2, exactly one line on stderr that names it, no stack trace, nothing on stdout.
// (One of the files split from the former bad-input.test.ts so the agent spawns run in parallel.)
import t from 'tap';
import { runAgent, seedPodEnv, stubBin } from '../helpers/agent.js';
import { assertRejected } from '../helpers/rejected.js';

const cases: { name: string; args: string[]; env?: Record<string, string>; expect: RegExp }[] = [
  { name: 'an INSTANCE_IP that is not an address', args: ['bootstrap'], env: { INSTANCE_IP: 'pod-ip' }, expect: /"pod-ip" for INSTANCE_IP/ },
  { name: 'a non-numeric ENVOY_STATUS_PORT', args: ['bootstrap'], env: { ENVOY_STATUS_PORT: 'x' }, expect: /"x" for ENVOY_STATUS_PORT: expected a port number/ },
  { name: 'ISTIO_METAJSON that is not an object', args: ['bootstrap'], env: { ISTIO_METAJSON_LABELS: '[1,2]' }, expect: /"\[1,2\]" for ISTIO_METAJSON_LABELS: expected a JSON object/ },
  { name: 'a restart budget that is not a number', args: ['proxy', '--binaryPath', stubBin], env: { ENVOY_RESTART_BUDGET: 'ten' }, expect: /"ten" for ENVOY_RESTART_BUDGET: expected a whole number/ },
  { name: 'a back-off that is not a duration', args: ['proxy', '--binaryPath', stubBin], env: { ENVOY_RESTART_BACKOFF: '200' }, expect: /"200" for ENVOY_RESTART_BACKOFF: expected a Go duration/ },
  { name: 'a grace period that is not whole seconds', args: ['proxy', '--binaryPath', stubBin], env: { TERMINATION_GRACE_PERIOD_SECONDS: '30s' }, expect: /"30s" for TERMINATION_GRACE_PERIOD_SECONDS: expected a whole number/ },
  { name: 'a budget reset longer than a timer can wait', args: ['proxy', '--binaryPath', stubBin], env: { ENVOY_RESTART_BUDGET_RESET: '1000h' }, expect: /"1000h" for ENVOY_RESTART_BUDGET_RESET: expected a Go duration from 0s to 596h/ },
];

for (const c of cases) {
  t.test(`rejects ${c.name} with exit 2 and one line`, async (t) => {
    assertRejected(t, await runAgent(c.args, { ...seedPodEnv, ...c.env }), c.expect);
  });
}
