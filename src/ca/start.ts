// The CA client as the proxy command starts it (loaded only when the certificate source is the CA: the X.509 and
// gRPC code costs ~150 ms to load): the first request goes out at once, before envoy asks for `default`, so a
// CA failure shows in the log and at readiness straight away (Istio 1.5.0 asked only on envoy's first request).
import type { Logger } from 'pino';
import type { CaClientSettings } from '../config/ca-client.js';
import { issueCertificate, type IssuedCertificate } from './issue.js';
import { CertificateRotation, type RotationClock } from './rotation.js';

const realClock: RotationClock = {
  now: () => Date.now(),
  setTimeout(fire, ms) {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
};

export function startCertificateRotation(settings: CaClientSettings, onIssued: (cert: IssuedCertificate) => void, log: Logger): CertificateRotation {
  log.info(
    { ca: `${settings.address.host}:${settings.address.port}`, serverName: settings.serverName, root: settings.rootCertPath ?? 'none (plaintext)', token: settings.tokenPath, ttlMs: settings.ttlMs, graceRatio: settings.graceRatio },
    'workload certificates come from the CA',
  );
  const rotation = new CertificateRotation({ issue: () => issueCertificate(settings, Date.now), onIssued, graceRatio: settings.graceRatio, clock: realClock, log });
  rotation.start();
  return rotation;
}
