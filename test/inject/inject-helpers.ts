// Shared by the kube-inject tests: run the compiled binary (optionally feeding stdin) and read its YAML.
import { spawn } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { agentBin, repoRoot, type RunResult } from '../helpers/agent.js';

export const fixtures = `${repoRoot}test/fixtures/inject/`;
/** The values and mesh config of Istio's golden tests. */
export const goldenArgs = ['--valuesFile', `${fixtures}golden-values.yaml`, '--meshConfigFile', `${fixtures}golden-mesh.yaml`];

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `pilot-agent kube-inject <args>`, with `stdin` piped in when given. */
export function inject(args: readonly string[], stdin?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [agentBin, 'kube-inject', ...args], { env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** Inject a YAML text given on stdin; fails loudly on a non-zero exit. */
export async function injectText(yaml: string, args: readonly string[] = goldenArgs): Promise<{ docs: Obj[]; out: RunResult }> {
  const out = await inject(['-f', '-', ...args], yaml);
  if (out.code !== 0) throw new Error(`kube-inject exited ${out.code}: ${out.stderr}`);
  return { docs: readDocs(out.stdout), out };
}

export function readDocs(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw d.errors[0];
    return d.toJS() as Obj;
  }).filter((d) => d !== null);
}

/** The pod template (metadata + spec) of any workload kind. */
export function podTemplate(obj: Obj): { metadata: Obj; spec: Obj } {
  if (obj.kind === 'Pod') return obj as { metadata: Obj; spec: Obj };
  if (obj.kind === 'CronJob') return obj.spec.jobTemplate.spec.template;
  return obj.spec.template;
}

export function container(obj: Obj, name: string): Obj {
  const c = podTemplate(obj).spec.containers.find((x: Obj) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

export function initCommand(obj: Obj): string[] {
  return podTemplate(obj).spec.initContainers.find((x: Obj) => x.name === 'istio-init').command;
}

export function env(obj: Obj, name: string): string | undefined {
  return container(obj, 'istio-proxy').env.find((e: Obj) => e.name === name)?.value;
}

/** A one-container Deployment `hello` (like Istio's hello.yaml) with extra pod annotations. */
export function helloDeployment(annotations: Record<string, string> = {}, extraSpec = ''): string {
  const ann = Object.entries(annotations).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`).join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 7
  selector:
    matchLabels:
      app: hello
  template:
    metadata:
${ann ? `      annotations:\n${ann}\n` : ''}      labels:
        app: hello
    spec:
${extraSpec}      containers:
        - name: hello
          image: "fake.docker.io/google-samples/hello-go-gke:1.0"
          ports:
            - name: http
              containerPort: 80
`;
}

/**
 * Many inputs through one run (documents keep their order), so a test file spawns the binary once.
 * Add every input at module level; the first access runs the batch.
 */
export class Batch {
  private readonly inputs: string[] = [];
  private result?: Promise<Obj[]>;
  constructor(private readonly args: readonly string[] = goldenArgs) {}

  add(yaml: string): () => Promise<Obj> {
    const i = this.inputs.push(yaml) - 1;
    return async () => {
      this.result ??= injectText(this.inputs.join('---\n'), this.args).then((r) => r.docs);
      return (await this.result)[i]!;
    };
  }
}
