// Real Envoy under the agent with certificates over SDS: an xDS server sending the seed config plus a TLS listener
// whose certificate is SDS secret `default`, a --certDir written as kubelet writes Secret volumes, and the probes
// that show which certificate envoy serves.
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { Test } from 'tap';
import { sdsTlsListener, seedNames, seedSnapshot, startXdsServer } from '../../tools/xds-server/src/index.js';
import type { CertSet } from '../fixtures/certs/pki.js';
import { SecretVolume } from '../fixtures/certs/volume.js';
import { startApp } from './direct-envoy.js';
import { freePort, request, waitFor } from './net.js';
import { realEnvoyBinary } from './real-envoy.js';
import { startAgent, type RunningAgent, type StartOptions } from './running-agent.js';

/** Serial numbers compare as lowercase hex without leading zeros (Node prints them upper case, Envoy lower). */
export const serial = (s: string): string => s.toLowerCase().replace(/^0+/, '');
export const leafSerial = (set: CertSet): string => serial(new X509Certificate(set['cert-chain.pem']).serialNumber);

/** The leaf serials of every certificate chain envoy's admin /certs reports in use. */
export async function envoyCertSerials(adminPort: number): Promise<string[]> {
  const body = JSON.parse((await request(`http://127.0.0.1:${adminPort}/certs`)).body) as { certificates: { cert_chain?: { serial_number: string }[] }[] };
  return body.certificates.flatMap((c) => (c.cert_chain ?? []).map((d) => serial(d.serial_number)));
}

/** One HTTPS request on a new connection to the TLS listener: the answer and the certificate it presented. */
export function httpsGet(port: number): Promise<{ status: number; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/', agent: false, rejectUnauthorized: false }, (res) => {
      const peer = (res.socket as TLSSocket).getPeerCertificate();
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, serial: serial(peer.serialNumber) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export interface SdsAgent {
  readonly agent: RunningAgent;
  readonly volume: SecretVolume;
  readonly tlsPort: number;
}

export interface CertAgentOptions extends Omit<StartOptions, 'args'> {
  /** sds (the default here): the listener names SDS secret `default`; restart: it names the files in --certDir. */
  readonly delivery?: 'sds' | 'restart';
}

/**
 * The agent with real Envoy, `initial` in its --certDir and a TLS listener on those certificates (over SDS, or
 * from the files in restart delivery, as istiod 1.5 sent either kind of proxy); resolves once the listener serves.
 */
export async function startSdsAgent(t: Test, initial: CertSet, opts: CertAgentOptions = {}): Promise<SdsAgent> {
  const { delivery = 'sds', ...startOpts } = opts;
  const appPort = await startApp(t);
  const tlsPort = await freePort();
  const certDir = `${mkdtempSync(`${tmpdir()}/sds-certs-`)}/certs`;
  t.teardown(() => rmSync(dirname(certDir), { recursive: true, force: true }));
  const volume = new SecretVolume(certDir);
  volume.write(initial);
  const files = delivery === 'restart' ? { certChain: `${certDir}/cert-chain.pem`, key: `${certDir}/key.pem` } : undefined;
  const seed = seedSnapshot({ inboundPort: await freePort(), outboundPort: await freePort(), appPort, version: '1' });
  const listener = sdsTlsListener({ port: tlsPort, cluster: seedNames(appPort).outboundCluster, ...(files ? { files } : {}) });
  const xds = await startXdsServer({ snapshot: { ...seed, listeners: [...seed.listeners!, listener] } });
  t.teardown(() => xds.close());
  const agent = await startAgent(t, {
    ...startOpts,
    args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`, '--certDir', certDir, '--certDelivery', delivery],
  });
  await waitFor('ready', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 60_000);
  // The listener warms until its secret arrives.
  await waitFor('the TLS listener', () => httpsGet(tlsPort).catch(() => undefined), 30_000);
  return { agent, volume, tlsPort };
}

/** envoy's restart epoch, from its admin /server_info. */
export async function envoyEpoch(adminPort: number): Promise<number> {
  const info = JSON.parse((await request(`http://127.0.0.1:${adminPort}/server_info`)).body) as { command_line_options: { restart_epoch: number } };
  return info.command_line_options.restart_epoch;
}
