import { writeFileSync } from 'node:fs';
import { readRegularFileSync, UnreadableFileError } from '../fs/read-regular-file.js';
import { AgentError, ErrorCodes } from '../errors/index.js';
import { flagHelp } from '../flags/help.js';
import { parseArgs } from '../flags/parse-args.js';
import { loadInjectConfig } from './config-files.js';
import { expandShortFlags, kubeInjectFlags } from './flags.js';
import { LocatedError, injectYamlStream } from './yaml-stream.js';

// `pilot-agent kube-inject`: read workloads, inject, write them out. Notes go to stderr so stdout is only YAML.

const usage = 'pilot-agent kube-inject -f <file|-> [-o <file>] [--image <image>] [--meshConfigFile <file>] [--valuesFile <file>] [--nativeSidecar] [--wrapJobCommand]';
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
    const cfg = loadInjectConfig({
      valuesFile: opt('valuesFile'), meshConfigFile: opt('meshConfigFile'), image: opt('image'),
      // Istio's istiod setting, read from kube-inject's own environment; the flag turns it on too.
      nativeSidecar: (parsed.values.nativeSidecar as boolean) || process.env.ENABLE_NATIVE_SIDECARS === 'true',
      wrapJobCommand: parsed.values.wrapJobCommand as boolean,
    });
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

// A manifest of many documents is still a few MiB; past this, /dev/zero or a runaway pipe, not a manifest.
const manifestCapBytes = 16 * 1024 * 1024;

function readInput(file: string): string {
  try {
    return readRegularFileSync(file, manifestCapBytes);
  } catch (e) {
    const reason = e instanceof UnreadableFileError ? e.reason : (e as Error).message;
    throw new LocatedError(file, 0, reason === 'ENOENT' ? 'no such file' : reason);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    total += (chunk as Buffer).length;
    if (total > manifestCapBytes) throw new LocatedError('<stdin>', 0, `is larger than ${manifestCapBytes / (1024 * 1024)} MiB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
