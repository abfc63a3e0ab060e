// The seed pod against a local "istiod": the xDS server over mutual TLS on istiod.istio-system.svc:15012 as the
// seed's args name it, with the name resolved by a private /etc/hosts. The agent (and the envoy it forks) run in
// a mount namespace of their own whose /etc/hosts maps the name to a loopback address unique to the test; the
// network is the host's, so the test reaches every port. The port is the seed's 15012 on that unique address:
// only a wildcard listener on 15012 could collide with it (freePort() hands out ephemeral ports, never 15012).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Test } from 'tap';
import { seedSnapshot, startXdsServer, type MtlsOptions, type XdsServer } from '../../tools/xds-server/src/index.js';
import { kubeletExpand, seedPodEnv, seedProxyArgs, withFlag } from './agent.js';
import { makePki, type Pki } from './mtls-pki.js';
import { freePort } from './net.js';
import { realEnvoyBinary } from './real-envoy.js';
import type { StartOptions } from './running-agent.js';

export const istiodHost = 'istiod.istio-system.svc';
/** The identity the seed pod's certificate carries: its namespace and service account. */
export const seedIdentity = `spiffe://cluster.local/ns/${seedPodEnv.POD_NAMESPACE}/sa/${seedPodEnv.SERVICE_ACCOUNT}`;

export interface LocalIstiod {
  readonly xds: XdsServer;
  readonly pki: Pki;
  /** A scratch directory (removed in teardown) for the pod's --certDir. */
  readonly work: string;
  /** startAgent options: the seed's args and env, real Envoy, under the private /etc/hosts. */
  agentOptions(certDir: string): StartOptions;
}

function loopbackAddress(): string {
  const octet = (): number => 1 + Math.floor(Math.random() * 254);
  return `127.${octet()}.${octet()}.${octet()}`;
}

/** istiod's stand-in: serves the seed snapshot over mutual TLS with istiod's certificate, expecting `identity`. */
export async function startLocalIstiod(t: Test, identity = seedIdentity): Promise<LocalIstiod> {
  const work = mkdtempSync(`${tmpdir()}/local-istiod-`);
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const pki = makePki(work, istiodHost);
  const tls: MtlsOptions = { ...pki.server, clientCa: Buffer.from(pki.root), clientIdentity: identity };
  const snapshot = seedSnapshot({ inboundPort: await freePort(), outboundPort: await freePort(), appPort: await freePort(), version: '1' });
  let address = '';
  let xds: XdsServer | undefined;
  for (let attempt = 0; xds === undefined; attempt++) {
    address = loopbackAddress();
    xds = await startXdsServer({ host: address, port: 15012, snapshot, tls }).catch((e: unknown) => {
      if (attempt >= 4 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      return undefined;
    });
  }
  const server = xds;
  t.teardown(() => server.close());
  const hosts = `${work}/hosts`;
  // zipkin (the seed's tracer) resolves too, so envoy's DNS never waits on a real resolver.
  writeFileSync(hosts, `127.0.0.1 localhost\n${address} ${istiodHost}\n127.0.0.1 zipkin.istio-system\n`);
  return {
    xds: server,
    pki,
    work,
    agentOptions: (certDir) => ({
      wrapper: ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hosts],
      env: { ...seedPodEnv },
      args: ({ dir, ports }) => {
        // The seed's args as kubelet expands them; only this machine's paths and ports differ.
        let args = kubeletExpand(seedProxyArgs, seedPodEnv).slice(2);
        args = withFlag(args, '--configPath', `${dir}/proxy`);
        args = withFlag(args, '--binaryPath', realEnvoyBinary());
        args = withFlag(args, '--proxyAdminPort', String(ports.admin));
        args = withFlag(args, '--statusPort', String(ports.status));
        // The mounted certificates, served to envoy over SDS (the agent's default; the harness defaults to restart).
        return [...args, '--certDir', certDir, '--certDelivery', 'sds'];
      },
    }),
  };
}
