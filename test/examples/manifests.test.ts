// examples/kubernetes/*.yaml: valid against Kubernetes' schemas, and every pilot-agent command line
// in them parsed by the agent's own flag tables — so the example cannot drift from the CLI.
import { readdirSync, readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Service, ServiceAccount } from 'kubernetes-models/v1';
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import t, { type Test } from 'tap';
import { parseAllDocuments } from 'yaml';
import { parseGoDuration } from '../../src/flags/duration.js';
import { parseArgs } from '../../src/flags/parse-args.js';
import { proxyFlags } from '../../src/config/proxy-flags.js';
import { parseFlags as parseIptablesFlags } from '../../src/iptables/parse-flags.js';
import { waitFlags } from '../../src/cli/commands/wait.js';
import { repoRoot, seedProxyArgs } from '../helpers/agent.js';

const dir = `${repoRoot}examples/kubernetes/`;
// The Job example has its own test (job-manifest.test.ts): it is kube-inject's output, not the seed's pod.
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'job-native-sidecar.yaml');
const version = (JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { version: string }).version;

const models = { Deployment, Service, ServiceAccount } as const;
type Kind = keyof typeof models;

function load(file: string): Array<{ kind: Kind; obj: Record<string, unknown> }> {
  return parseAllDocuments(readFileSync(dir + file, 'utf8')).map((doc) => {
    if (doc.errors.length) throw doc.errors[0];
    const obj = doc.toJS() as Record<string, unknown>;
    return { kind: obj.kind as Kind, obj };
  });
}

function podSpecs(file: string): IPodSpec[] {
  return load(file).filter((d) => d.kind === 'Deployment').map((d) => new Deployment(d.obj as never).spec!.template.spec!);
}

/** `pilot-agent wait [flags] [-- cmd]` in an exec hook or a container command. */
function checkWaitInvocation(t: Test, argv: readonly string[], probePort: number): void {
  t.same(argv.slice(0, 2), ['pilot-agent', 'wait']);
  const dashes = argv.indexOf('--');
  const parsed = parseArgs(argv.slice(2, dashes === -1 ? undefined : dashes), waitFlags);
  t.same(parsed.positionals, [], 'only flags before "--"');
  t.equal(new URL(parsed.values.url as string).port, String(probePort), 'wait polls the port the readiness probe uses');
  t.equal(new URL(parsed.values.url as string).pathname, '/healthz/ready');
}

t.test('the example directory has both variants', async (t) => {
  t.same(files.sort(), ['productpage-wait-wrapper.yaml', 'productpage.yaml']);
});

for (const file of files) {
  t.test(`${file}: every manifest is valid against the Kubernetes schemas`, async (t) => {
    for (const { kind, obj } of load(file)) {
      t.ok(kind in models, `a kind this test knows: ${kind}`);
      t.doesNotThrow(() => new models[kind](obj as never).validate(), `${kind} ${(obj.metadata as { name: string }).name}`);
    }
  });

  t.test(`${file}: the injected containers match the seed and parse with the agent's flags`, async (t) => {
    for (const spec of podSpecs(file)) {
      const proxy = spec.containers.find((c) => c.name === 'istio-proxy')!;
      t.equal(proxy.image, `pilot-agent-ts:${version}`, "this repository's image, tagged with package.json's version");
      t.same(proxy.args, seedProxyArgs, "the seed's istio-proxy args, unchanged");
      const parsed = parseArgs(proxy.args!.slice(1), proxyFlags);
      t.same(parsed.positionals, ['sidecar']);
      t.same(parsed.given.filter((f) => proxyFlags.find((s) => s.name === f)?.ignored), [], 'no flag the agent ignores');

      const drainMs = parsed.values.drainDuration as number;
      const parentMs = parsed.values.parentShutdownDuration as number;
      t.equal(drainMs, parseGoDuration('45s'));
      t.ok(spec.terminationGracePeriodSeconds! * 1000 > parentMs, 'kubelet SIGKILLs only after parentShutdownDuration');

      const probe = proxy.readinessProbe!.httpGet!;
      t.same([probe.path, probe.port], ['/healthz/ready', 15021]);

      const env = new Map((proxy.env ?? []).map((e) => [e.name, e]));
      const downward = { POD_NAME: 'metadata.name', POD_NAMESPACE: 'metadata.namespace', INSTANCE_IP: 'status.podIP', SERVICE_ACCOUNT: 'spec.serviceAccountName', HOST_IP: 'status.hostIP' };
      for (const [name, field] of Object.entries(downward)) t.equal(env.get(name)?.valueFrom?.fieldRef?.fieldPath, field, `${name} from the downward API`);
      t.ok([...env.keys()].some((k) => k.startsWith('ISTIO_META_')), 'ISTIO_META_* node metadata');
      t.same(JSON.parse(env.get('ISTIO_METAJSON_LABELS')!.value!), { app: 'productpage', version: 'v1' }, 'labels as JSON');

      const mounts = new Map((proxy.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
      t.equal(mounts.get(parsed.values.configPath as string), 'istio-envoy', '--configPath is the shared emptyDir');
      const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
      t.ok(volumes.get('istio-envoy')?.emptyDir, 'istio-envoy is an emptyDir');
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        for (const m of c.volumeMounts ?? []) t.ok(volumes.has(m.name), `${c.name} mounts a declared volume (${m.name})`);
      }

      const init = spec.initContainers!.find((c) => c.name === 'istio-init')!;
      t.equal(init.image, proxy.image, 'istio-init runs the same image (its ENTRYPOINT is pilot-agent)');
      t.same(init.args, ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020'],
        "the seed's istio-iptables arguments, with 15021 (the probed health port) excluded as well");
      const captured = parseIptablesFlags(init.args!.slice(1));
      t.same(Object.fromEntries(captured.explicit), {
        'envoy-port': '15001', 'inbound-capture-port': '15006', 'proxy-uid': '1337', 'istio-inbound-interception-mode': 'REDIRECT',
        'istio-service-cidr': '*', 'istio-service-exclude-cidr': '', 'istio-inbound-ports': '*', 'istio-local-exclude-ports': '15090,15021,15020',
      }, "parsed by the agent's own istio-iptables flag parser");
      t.same(init.securityContext?.capabilities?.add, ['NET_ADMIN', 'NET_RAW']);
      t.equal(init.securityContext?.runAsUser, 0);
      t.equal(proxy.securityContext?.runAsUser, 1337, 'envoy runs as the uid istio-iptables exempts (-u 1337)');

      const app = spec.containers.find((c) => c.name === 'productpage')!;
      t.same(app.ports, [{ containerPort: 9080 }]);
    }
  });
}

t.test('productpage.yaml: istio-proxy is first and holds the app with a postStart `pilot-agent wait`', async (t) => {
  const [spec] = podSpecs('productpage.yaml');
  t.equal(spec!.containers[0]!.name, 'istio-proxy', 'kubelet starts containers in order and blocks on postStart');
  const hook = spec!.containers[0]!.lifecycle?.postStart?.exec?.command;
  t.ok(hook, 'a postStart exec hook');
  checkWaitInvocation(t, hook!, 15021);
  const app: IContainer = spec!.containers.find((c) => c.name === 'productpage')!;
  t.equal(app.image, 'docker.io/istio/examples-bookinfo-productpage-v1:1.15.0', 'the app image is untouched');
  t.notOk(app.command, "the app keeps its image's CMD");
});

t.test('productpage-wait-wrapper.yaml: the app runs `pilot-agent wait -- <its CMD>`; no postStart', async (t) => {
  const [spec] = podSpecs('productpage-wait-wrapper.yaml');
  const app = spec!.containers.find((c) => c.name === 'productpage')!;
  checkWaitInvocation(t, app.command!, 15021);
  t.equal(app.command!.at(-1), '--', 'the image CMD follows as args');
  t.same(app.args, ['python', 'productpage.py', '9080'], "the seed image's CMD");
  t.notOk(spec!.containers.some((c) => c.lifecycle?.postStart), 'no postStart hook anywhere');
});
