// Told its pod's terminationGracePeriodSeconds (TERMINATION_GRACE_PERIOD_SECONDS, written by kube-inject), the
// agent says at start when kubelet's SIGKILL would come before its shutdown ends; as injected, it stays quiet.
import t, { type Test } from 'tap';
import { container, env, helloDeployment, injectText } from '../fixtures/inject/harness.js';
import { startAgent, type AgentLogLine } from '../helpers/running-agent.js';

const isMisfit = (l: AgentLogLine): boolean => /^the shutdown (drain cannot|may not) finish/.test(l.msg);

/** Start with Istio's default durations and the given grace period; the warning (if any) precedes envoy's start. */
async function warningsAt(t: Test, grace: string, drain = '45s', parentShutdown = '1m0s'): Promise<AgentLogLine[]> {
  const agent = await startAgent(t, { drain, parentShutdown, env: { TERMINATION_GRACE_PERIOD_SECONDS: grace } });
  await agent.waitForMsg('envoy started');
  return agent.logs.filter(isMisfit);
}

t.test('Kubernetes\' default 30 s is shorter than the 45 s drain: a warning with what to set', async (t) => {
  const [w, more] = await warningsAt(t, '30');
  t.notOk(more, 'one warning');
  t.match(w, { level: 'warn', terminationGracePeriodSeconds: 30, drainDuration: '45s', parentShutdownDuration: '1m0s', neededGracePeriodSeconds: 65 });
  t.match(w!.msg, 'the shutdown drain cannot finish: kubelet kills the pod 30s after SIGTERM (TERMINATION_GRACE_PERIOD_SECONDS) but --drainDuration is 45s; give the pod terminationGracePeriodSeconds: 65');
});

t.test('room for the drain but not for a late envoy\'s kill at parentShutdownDuration: a warning', async (t) => {
  const [w] = await warningsAt(t, '60');
  t.match(w?.msg, /^the shutdown may not finish: .* killed only --parentShutdownDuration \(1m0s\) after SIGTERM; give the pod terminationGracePeriodSeconds: 65$/);
});

t.test('with the grace period and durations kube-inject writes, no warning', async (t) => {
  const { docs } = await injectText(helloDeployment());
  const args: string[] = container(docs[0]!, 'istio-proxy').args;
  const arg = (flag: string): string => args[args.indexOf(flag) + 1]!;
  const grace = env(docs[0]!, 'TERMINATION_GRACE_PERIOD_SECONDS')!;
  t.equal(grace, '65');
  t.same(await warningsAt(t, grace, arg('--drainDuration'), arg('--parentShutdownDuration')), []);
});
