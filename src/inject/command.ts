import { readFileSync, writeFileSync } from 'node:fs';
import { AgentError, ErrorCodes } from '../errors/index.js';
import { flagHelp } from '../cli/help.js';
import { parseArgs } from '../cli/parse-args.js';
import { loadInjectConfig } from './config-files.js';
import { expandShortFlags, kubeInjectFlags } from './flags.js';
import { LocatedError, injectYamlStream } from './yaml-stream.js';

// `pilot-agent kube-inject`: read workloads, inject, write them out. Notes go to stderr so stdout is only YAML.

const usage = 'pilot-agent kube-inject -f <file|-> [-o <file>] [--image <image>] [--meshConfigFile <file>] [--valuesFile <file>]';
const summary = 'Add the istio-init container and the istio-proxy sidecar (this agent) to the pod templates of Kubernetes workloads.';

export async function runKubeInject(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(expandShortFlags(argv), kubeInjectFlags);
  if (parsed.help) {
    process.stdout.write(flagHelp(usage, summary, kubeInjectFlags));
    return 0;
  }
  if (parsed.positionals.length > 0) {
    throw new AgentError(ErrorCodes.USAGE, `unexpected argument ${JSON.stringify(parsed.positionals[0])}: give the input with -f <file>`);
  }
  const opt = (name: string): string | undefined => (parsed.values[name] === '' ? undefined : (parsed.values[name] as string));
  const filename = opt('filename');
  if (filename === undefined) throw new AgentError(ErrorCodes.USAGE, 'filename not specified (see --filename or -f)');

  let result;
  try {
    const cfg = loadInjectConfig({ valuesFile: opt('valuesFile'), meshConfigFile: opt('meshConfigFile'), image: opt('image') });
    const input = filename === '-' ? await readStdin() : readInput(filename);
    result = injectYamlStream(input, filename === '-' ? '<stdin>' : filename, cfg);
  } catch (e) {
    if (e instanceof LocatedError) throw new AgentError(ErrorCodes.USAGE, e.message);
    throw e;
  }
  for (const note of result.notes) process.stderr.write(`${note}\n`);

  const output = opt('output');
  if (output === undefined) {
    await new Promise<void>((resolve) => process.stdout.write(result.output, () => resolve()));
    return 0;
  }
  try {
    writeFileSync(output, result.output);
  } catch (e) {
    throw new AgentError(ErrorCodes.WRITE, `cannot write ${output}: ${(e as Error).message}`);
  }
  return 0;
}

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LocatedError(file, 0, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
