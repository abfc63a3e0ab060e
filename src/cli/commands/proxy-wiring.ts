import type { Logger } from 'pino';
import type { CertSource } from '../../ca/source.js';
import type { CertificateRotation } from '../../ca/rotation.js';
import type { SdsServer } from '../../sds/server.js';
import { waitForCertFiles } from '../../certs/wait.js';
import { CertWatcher } from '../../certs/watcher.js';
import type { CertWatchSettings } from '../../config/cert-watch.js';
import type { ProxyConfig } from '../../config/proxy-config.js';
import type { SupervisionConfig } from '../../config/supervision.js';
import { routeSignals, type AgentSignal } from '../../init/signals.js';
import { logger } from '../../log/logger.js';
import { startStatusServer } from '../../status/server.js';
import { Supervisor } from '../../supervisor/supervisor.js';

/**
 * The `proxy` command's life, once its input is known good: start the status server and the supervisor,
 * route signals to it, watch the certificates, and return the supervisor's exit code.
 */
export async function runProxy(config: ProxyConfig, supervision: SupervisionConfig, certSettings: CertWatchSettings, certSource: CertSource, log: Logger): Promise<number> {
  const supervisor = new Supervisor(config, supervision, log);
  let rotation: CertificateRotation | undefined;
  const status = await startStatusServer({
    port: config.statusPort,
    host: config.statusListenAddress,
    probes: config.appProbes,
    appMetrics: config.appMetrics,
    headersBoundMs: config.statusHeadersBoundMs,
    log,
    readiness: {
      lifecycle: () => supervisor.lifecycleReadiness(),
      admin: () => supervisor.admin,
      certificates: () => (certSource.kind !== 'ca' ? undefined : rotation ? rotation.notReadyReason() : 'the CA client is starting'),
    },
    envoyOrigin: () => supervisor.envoyAdminOrigin(),
    envoyAdminGeneration: () => supervisor.adminGeneration,
    onQuit: (why) => supervisor.requestShutdown(why),
    onDrain: (why) => supervisor.requestDrain(why),
  });
  const startup = new AbortController(); // a shutdown during the certificate wait ends the wait
  const onSignal = (signal: AgentSignal): void => {
    log.info({ signal }, 'signal received');
    switch (signal) {
      case 'SIGTERM':
      case 'SIGINT':
        startup.abort();
        return supervisor.requestShutdown(signal);
      case 'SIGQUIT':
        startup.abort();
        return supervisor.requestShutdown(signal, true);
      case 'SIGHUP':
        return supervisor.requestReload('SIGHUP');
      case 'SIGUSR1':
        return supervisor.signalEnvoy('SIGUSR1');
      case 'SIGUSR2':
        log.info({ state: supervisor.state, stats: { ...supervisor.stats } }, 'state dump (SIGUSR2)');
        return;
    }
  };
  const unroute = routeSignals(onSignal);
  const certLog = logger('certs');
  const { certChain, key, rootCert } = config.certFiles;
  if (config.controlPlaneAuthPolicy === 'MUTUAL_TLS') {
    const why = config.controlPlaneAuthReason === 'istiod port' ? 'the discovery port is istiod\'s TLS port 15012' : '--controlPlaneAuthPolicy MUTUAL_TLS';
    log.info({ discovery: config.discoveryAddress, pilotSan: config.pilotSan, why, certSource: certSource.kind }, 'control plane over mutual TLS');
  }
  if (config.controlPlaneAuthPolicy === 'MUTUAL_TLS' && certSource.kind === 'files') {
    // Istio 1.5: envoy's xDS TLS reads these files, so give the secret volume time to be populated.
    await waitForCertFiles([certChain, key, rootCert], { timeoutMs: certSettings.startupWaitMs, log: certLog, signal: startup.signal });
  }
  // SDS delivery: the socket is bound before envoy starts, so envoy's first connection finds it (gRPC itself
  // loads only on that connection). Restart delivery never loads any of it.
  const sds = config.certDelivery === 'sds' ? await startSds(config.sdsSocketPath) : undefined;
  // With MUTUAL_TLS envoy's xds-grpc cluster waits for secret `default` at start: load gRPC while envoy starts
  // up rather than on its first connection (~130 ms after the spawn). Otherwise only a connection loads it.
  if (sds && config.controlPlaneAuthPolicy === 'MUTUAL_TLS') supervisor.onEnvoyStarted = () => sds.preload();
  if (sds && certSource.kind === 'ca') rotation = await startCaClient(certSource, sds);
  const finished = supervisor.run(); // a no-op when a shutdown already arrived during the wait
  const certs = rotation ? undefined : new CertWatcher({
    files: config.certFiles,
    settings: certSettings,
    log: certLog,
    ...(sds
      ? { onValidChange: () => {}, onAccepted: (material, hash) => sds.update(material, hash), changedMessage: 'certificates changed; pushing them to envoy over SDS' }
      : { onValidChange: (reason: string) => supervisor.requestReload(reason) }),
  });
  if (supervisor.state !== 'stopped') await certs?.start();
  const code = await finished;
  rotation?.stop();
  await certs?.stop(); // closes chokidar and clears the timers, so nothing keeps the process alive
  await sds?.close();
  unroute();
  status.closeAllConnections();
  await new Promise((resolve) => status.close(resolve));
  log.info({ code }, 'pilot-agent exiting');
  return code;
}

async function startSds(socketPath: string): Promise<SdsServer> {
  const { SdsServer } = await import('../../sds/server.js');
  return SdsServer.start({ socketPath, log: logger('sds') });
}

/** The CA client feeding the SDS server: every certificate it gets is pushed to envoy (no new epoch). */
async function startCaClient(source: Extract<CertSource, { kind: 'ca' }>, sds: SdsServer): Promise<CertificateRotation> {
  const [{ startCertificateRotation }, { issuedSecrets }] = await Promise.all([import('../../ca/start.js'), import('../../sds/secrets.js')]);
  return startCertificateRotation(source.settings, (cert) => sds.serve(issuedSecrets(cert.chain, cert.keyPem)), logger('ca'));
}
