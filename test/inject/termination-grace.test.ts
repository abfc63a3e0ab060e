// kube-inject gives the pod a terminationGracePeriodSeconds that covers the sidecar's shutdown (drainDuration 45 s,
// envoy killed at the latest at parentShutdownDuration 1m0s, then the final clean-up: 65 s) unless the workload
// already allows as long, and tells the agent the result (TERMINATION_GRACE_PERIOD_SECONDS).
import t from 'tap';
import { Deployment } from 'kubernetes-models/apps/v1';
import { env, helloDeployment, injectText, podTemplate, type Obj } from '../fixtures/inject/harness.js';

const withGrace = (seconds: number): string => helloDeployment({}, `      terminationGracePeriodSeconds: ${seconds}\n`);

// One kube-inject run for the four workloads (documents keep their order).
let run: ReturnType<typeof injectText> | undefined;
const result = (): ReturnType<typeof injectText> => (run ??= injectText([helloDeployment(), withGrace(120), withGrace(65), withGrace(10)].join('---\n')));
const doc = (i: number) => async (): Promise<Obj> => (await result()).docs[i]!;
const [byDefault, longer, exact, shorter] = [doc(0), doc(1), doc(2), doc(3)];
const stderr = async (): Promise<string> => (await result()).out.stderr;

const grace = (doc: Obj): unknown => podTemplate(doc).spec.terminationGracePeriodSeconds;

t.test('no grace period of its own (Kubernetes\' 30 s): raised to cover the shutdown', async (t) => {
  const doc = await byDefault();
  t.equal(grace(doc), 65);
  t.equal(env(doc, 'TERMINATION_GRACE_PERIOD_SECONDS'), '65');
  t.doesNotThrow(() => new Deployment(doc as never).validate());
});

t.test('a workload that allows as long or longer keeps its own', async (t) => {
  for (const [get, seconds] of [[longer, 120], [exact, 65]] as const) {
    const doc = await get();
    t.equal(grace(doc), seconds);
    t.equal(env(doc, 'TERMINATION_GRACE_PERIOD_SECONDS'), String(seconds));
  }
});

t.test('a shorter one is raised, and stderr says so', async (t) => {
  const doc = await shorter();
  t.equal(grace(doc), 65);
  t.equal(env(doc, 'TERMINATION_GRACE_PERIOD_SECONDS'), '65');
  t.equal(await stderr(), 'Raising terminationGracePeriodSeconds of "hello" from 10 to 65: the sidecar\'s shutdown can take that long (parentShutdownDuration 1m0s and its final clean-up)\n',
    'only for the pod that set its own');
});

t.test('a mesh whose shutdown fits in 30 s leaves the pod alone', async (t) => {
  const dir = t.testdir({ 'mesh.yaml': 'defaultConfig:\n  drainDuration: 10s\n  parentShutdownDuration: 20s\n' });
  const { docs } = await injectText(helloDeployment(), ['--meshConfigFile', `${dir}/mesh.yaml`]);
  t.equal(grace(docs[0]!), undefined);
  t.equal(env(docs[0]!, 'TERMINATION_GRACE_PERIOD_SECONDS'), '30', 'the agent is told Kubernetes\' default');
});

t.test('a grace period that is not whole seconds is refused with its line', async (t) => {
  await t.rejects(injectText(helloDeployment({}, '      terminationGracePeriodSeconds: 1m\n')), /exited 2: error: <stdin>:15: terminationGracePeriodSeconds must be a whole number of seconds/);
});
