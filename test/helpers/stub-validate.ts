// The stub's `--mode validate` verdict in-process: the same loadConfig its validate mode runs, with the
// strict validator on, without the ~1 s of starting the stub for each file.
import { parseCommandLine } from '../../tools/envoy-stub/src/cli/parse-command-line.js';
import { ConfigError } from '../../tools/envoy-stub/src/config/config-error.js';
import { loadConfig } from '../../tools/envoy-stub/src/config/load-config.js';

export async function stubValidate(file: string): Promise<{ ok: boolean; reason: string }> {
  const cl = parseCommandLine(['--mode', 'validate', '-c', file]);
  if (cl.kind !== 'run') throw new Error(`stub command line: ${cl.stderr}`);
  try {
    await loadConfig(cl.options, true);
    return { ok: true, reason: '' };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, reason: e.message };
    throw e;
  }
}
