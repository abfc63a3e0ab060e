// kube-inject --wrapJobCommand: a Job or CronJob with a classic sidecar gets its app's command wrapped in
// `pilot-agent wait --stopProxyOnExit --`, so the proxy stops when the app is done and the Job completes.
// Only when asked (it changes the app's command), never for other kinds or native sidecars, and never by
// guessing an image's entrypoint.
import { Job, CronJob } from 'kubernetes-models/batch/v1';
import t from 'tap';
import { waitFlags } from '../../src/wait/flags.js';
import { parseArgs } from '../../src/flags/parse-args.js';
import { Batch, inject, podTemplate, type Obj } from '../fixtures/inject/harness.js';

const jobWith = (containers: string, annotations = ''): string =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n${annotations ? `    metadata:\n      annotations: {${annotations}}\n` : ''}    spec:\n      containers:\n${containers}      restartPolicy: Never\n`;
const perl = `      - name: pi\n        image: perl\n        command: [perl, -Mbignum=bpi, -wle]\n        args: ['print bpi(20)']\n`;
const cron = `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - {name: c, image: busybox, command: [sh, -c, date]}\n          restartPolicy: Never\n`;
const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers:\n      - {name: d, image: d, command: [serve]}\n`;

const wrapped = new Batch(['--wrapJobCommand']);
const job = wrapped.add(jobWith(perl));
const cronJob = wrapped.add(cron);
const otherKind = wrapped.add(deployment);
const nativeJob = wrapped.add(jobWith(perl, '"sidecar.istio.io/nativeSidecar": "true"'));
const otherStatusPort = wrapped.add(jobWith(perl, '"status.sidecar.istio.io/port": "15099"'));
const unasked = new Batch([]).add(jobWith(perl));

const app = (o: Obj): Obj => podTemplate(o).spec.containers[0];
const proxyEnv = (o: Obj): Map<string, string> => new Map(podTemplate(o).spec.containers.find((c: Obj) => c.name === 'istio-proxy').env.map((e: Obj) => [e.name, e.value]));

t.test('a Job\'s command runs under `pilot-agent wait --stopProxyOnExit --`; its args are untouched', async (t) => {
  const c = app(await job());
  t.same(c.command, ['pilot-agent', 'wait', '--stopProxyOnExit', '--', 'perl', '-Mbignum=bpi', '-wle']);
  t.same(c.args, ['print bpi(20)'], 'args follow the command, as before');
  const argv = c.command as string[];
  const parsed = parseArgs(argv.slice(2, argv.indexOf('--')), waitFlags);
  t.same([parsed.positionals, parsed.values.stopProxyOnExit, parsed.values.statusPort], [[], true, 15020], "parsed by wait's own flag table");
  t.equal(proxyEnv(await job()).get('EXIT_ON_ZERO_ACTIVE_CONNECTIONS'), 'true', 'the proxy is stopped only after the app: a short drain');
  const obj = await job();
  t.doesNotThrow(() => new Job(obj as never).validate());
});

t.test('a CronJob\'s too; a pod with another status port is told which', async (t) => {
  t.same(app(await cronJob()).command, ['pilot-agent', 'wait', '--stopProxyOnExit', '--', 'sh', '-c', 'date']);
  const obj = await cronJob();
  t.doesNotThrow(() => new CronJob(obj as never).validate());
  t.same(app(await otherStatusPort()).command.slice(0, 6), ['pilot-agent', 'wait', '--stopProxyOnExit', '--statusPort', '15099', '--']);
});

t.test('never silently: not without the flag, not other kinds, not with a native sidecar (which ends by itself)', async (t) => {
  t.same(app(await unasked()).command, ['perl', '-Mbignum=bpi', '-wle'], 'no flag: the command is left alone');
  t.notOk(proxyEnv(await unasked()).has('EXIT_ON_ZERO_ACTIVE_CONNECTIONS'), 'and the classic drain is kept');
  t.same(app(await otherKind()).command, ['serve'], 'a Deployment is left alone');
  t.same(app(await nativeJob()).command, ['perl', '-Mbignum=bpi', '-wle'], 'a native sidecar is stopped by Kubernetes after the app');
});

t.test('restartPolicy OnFailure is wrapped with a warning on stderr: its retry would find the proxy stopped', async (t) => {
  const out = await inject(['-f', '-', '--wrapJobCommand'], cron.replace('restartPolicy: Never', 'restartPolicy: OnFailure'));
  t.equal(out.code, 0);
  t.match(out.stderr, /^CronJob "c": restartPolicy OnFailure restarts a failed command in the same pod, whose proxy the wrapper has already stopped .*; restartPolicy Never retries in a new pod\n$/);
});

t.test('no command (the image\'s ENTRYPOINT) or several containers: exit 2, one line, nothing guessed', async (t) => {
  const noCommand = await inject(['-f', '-', '--wrapJobCommand'], jobWith('      - {name: pi, image: perl}\n'));
  t.equal(noCommand.code, 2);
  t.same(noCommand.stderr.split('\n').filter(Boolean), [
    `error: <stdin>:9: --wrapJobCommand: container "pi" of Job "pi" has no command (its image's ENTRYPOINT runs, which kube-inject cannot see): write that entrypoint as the container's command, or use native sidecars (--nativeSidecar)`,
  ]);
  t.equal(noCommand.stdout, '', 'nothing written');
  const two = await inject(['-f', '-', '--wrapJobCommand'], jobWith(`${perl}      - {name: b, image: b, command: [b]}\n`));
  t.equal(two.code, 2);
  t.match(two.stderr, /^error: <stdin>:\d+: --wrapJobCommand: Job "pi" has 2 containers; only a single-container Job can be wrapped \(or use native sidecars, --nativeSidecar\)\n$/);
});
