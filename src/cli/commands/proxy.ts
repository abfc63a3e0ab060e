import { generateBootstrap } from '../../bootstrap/generate.js';
import { chooseCertSource } from '../../ca/source.js';
import { readCaClientSettings } from '../../config/ca-client.js';
import { readCertWatchSettings } from '../../config/cert-watch.js';
import { readSupervision } from '../../config/supervision.js';
import { readTerminationGrace, shutdownMisfit } from '../../config/termination-grace.js';
import { setLogLevel, logger } from '../../log/logger.js';
import { agentVersion } from '../../version.js';
import { flagError } from '../../errors/index.js';
import { flagHelp } from '../../flags/help.js';
import { proxyFlags } from '../../config/proxy-flags.js';
import { ignoredFlagWarning, parseProxyInvocation } from './shared.js';

export const proxyHelp = flagHelp(
  'pilot-agent proxy [sidecar|router] [flags]',
  'Generate the envoy bootstrap, start envoy and supervise it (the istio-proxy container entrypoint).',
  proxyFlags,
);

export async function proxyCommand(argv: readonly string[]): Promise<number> {
  const inv = parseProxyInvocation(argv, true);
  if (inv.help || !inv.config) {
    process.stdout.write(proxyHelp);
    return 0;
  }
  const config = inv.config;
  // Every environment knob is read here, at one moment, before anything is logged or started: a bad
  // value is exit 2 with one line and nothing else.
  const supervision = readSupervision();
  const certWatch = readCertWatchSettings();
  const graceSeconds = readTerminationGrace();
  const certSource = chooseCertSource(config, readCaClientSettings(config));
  // A bad template or custom config is the same: check it renders before the first log line (the
  // supervisor renders it again at every epoch).
  await generateBootstrap(config);
  if (config.customConfigFile) await checkCustomConfig(config.binaryPath, config.customConfigFile);
  // Everything that runs envoy (undici, execa, prom-client, chokidar: ~150 ms of loading) is imported only
  // now, once the input is known to be good: a rejected invocation exits without paying for it.
  const [{ runProxy }, { collectProcessMetrics }] = await Promise.all([import('./proxy-wiring.js'), import('../../metrics/registry.js')]);
  setLogLevel(config.agentLogLevel);
  collectProcessMetrics();
  const log = logger('agent');
  for (const flag of inv.ignoredFlags) log.warn({ flag: `--${flag}` }, ignoredFlagWarning);
  log.info({ version: agentVersion, config, supervision, certWatch, certSource: certSource.kind === 'ca' ? { kind: 'ca' } : certSource }, 'effective configuration');
  const misfit = shutdownMisfit(config, graceSeconds);
  if (misfit) log.warn(misfit.fields, misfit.message);
  return runProxy(config, supervision, certWatch, certSource, log);
}

/**
 * A custom config is handed to envoy as it is, so only envoy can judge it: without this check a file envoy
 * rejects crash-loops through the whole restart budget and ends in exit 1. Loaded only on this path.
 */
async function checkCustomConfig(binaryPath: string, file: string): Promise<void> {
  const { validateWithEnvoy } = await import('../../envoy/validate.js');
  const verdict = await validateWithEnvoy(binaryPath, file);
  if (!verdict.ok) throw flagError('--customConfigFile', file, `a config envoy accepts; ${verdict.reason}`);
}
