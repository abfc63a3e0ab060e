// The seed pod against a local "istiod": the xDS server over mutual TLS on istiod.istio-system.svc:15012 as the
// seed's args name it, with the name resolved by a private /etc/hosts. The agent (and the envoy it forks) run in
// a mount namespace of their own whose /etc/hosts maps the name to a loopback address unique to the test; the
// network is the host's, so the test reaches every port. The port is the seed's 15012 on that unique address:
// only a wildcard listener on 15012 could collide with it (freePort() hands out ephemeral ports, never 15012).
// Two flavours: certificates mounted in --certDir (startLocalIstiod), or none mounted and the agent's CA client
// asking the local CA (tools/ca-server) for them, with kube-inject's environment (startLocalIstiodWithCa).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Test } from 'tap';
import { fakeServiceAccountToken, makeCaPki, startCaServer, type CaServer } from '../../tools/ca-server/src/index.js';
import { seedSnapshot, startXdsServer, type MtlsOptions, type XdsServer } from '../../tools/xds-server/src/index.js';
import { injectedCaEnv, kubeletExpand, seedPodEnv, seedProxyArgs, withFlag } from './agent.js';
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

export interface LocalIstiodWithCa {
  readonly xds: XdsServer;
  readonly ca: CaServer;
  /** The projected token the pod holds (its sub names the seed's service account). */
  readonly token: string;
  /** startAgent options: the seed's args, the seed's env plus kube-inject's CA variables and `env`, no certificates mounted. */
  agentOptions(env?: Record<string, string>): StartOptions;
}

function loopbackAddress(): string {
  const octet = (): number => 1 + Math.floor(Math.random() * 254);
  return `127.${octet()}.${octet()}.${octet()}`;
}

/** Start a server on :15012 of a loopback address of its own; another address when that one is taken. */
async function onOwnLoopback<S>(start: (address: string) => Promise<S>): Promise<{ address: string; server: S }> {
  for (let attempt = 0; ; attempt++) {
    const address = loopbackAddress();
    try {
      return { address, server: await start(address) };
    } catch (e) {
      if (attempt >= 4) throw e; // grpc-js reports a taken port without an errno code, so any listen failure retries
    }
  }
}

async function seedXds(tls: MtlsOptions): Promise<{ address: string; server: XdsServer }> {
  const snapshot = seedSnapshot({ inboundPort: await freePort(), outboundPort: await freePort(), appPort: await freePort(), version: '1' });
  return onOwnLoopback((host) => startXdsServer({ host, port: 15012, snapshot, tls }));
}

/** The private /etc/hosts; zipkin (the seed's tracer) resolves too, so envoy's DNS never waits on a real resolver. */
function writeHosts(work: string, names: Record<string, string>): string {
  const hosts = `${work}/hosts`;
  const lines = Object.entries(names).map(([name, address]) => `${address} ${name}\n`);
  writeFileSync(hosts, `127.0.0.1 localhost\n${lines.join('')}127.0.0.1 zipkin.istio-system\n`);
  return hosts;
}

function seedAgentOptions(hosts: string, certDir: string, env: Record<string, string>, cwd?: string): StartOptions {
  return {
    wrapper: ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hosts],
    env,
    ...(cwd === undefined ? {} : { cwd }),
    args: ({ dir, ports }) => {
      // The seed's args as kubelet expands them; only this machine's paths and ports differ.
      let args = kubeletExpand(seedProxyArgs, seedPodEnv).slice(2);
      args = withFlag(args, '--configPath', `${dir}/proxy`);
      args = withFlag(args, '--binaryPath', realEnvoyBinary());
      args = withFlag(args, '--proxyAdminPort', String(ports.admin));
      args = withFlag(args, '--statusPort', String(ports.status));
      // Certificates served to envoy over SDS (the agent's default; the harness defaults to restart).
      return [...args, '--certDir', certDir, '--certDelivery', 'sds'];
    },
  };
}

function scratch(t: Test): string {
  const work = mkdtempSync(`${tmpdir()}/local-istiod-`);
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  return work;
}

/** istiod's stand-in: serves the seed snapshot over mutual TLS with istiod's certificate, expecting `identity`. */
export async function startLocalIstiod(t: Test, identity = seedIdentity): Promise<LocalIstiod> {
  const work = scratch(t);
  const pki = makePki(work, istiodHost);
  const { address, server } = await seedXds({ ...pki.server, clientCa: Buffer.from(pki.root), clientIdentity: identity });
  t.teardown(() => server.close());
  const hosts = writeHosts(work, { [istiodHost]: address });
  return { xds: server, pki, work, agentOptions: (certDir) => seedAgentOptions(hosts, certDir, { ...seedPodEnv }) };
}

export interface CaOptions {
  /** The CA's cap on a certificate's lifetime (istiod's max TTL); SECRET_TTL below it wins. */
  readonly maxLifetimeMs?: number;
}

/**
 * istiod with its CA, as one istiod serves both on 15012 with one certificate: the xDS server (mutual TLS, the seed
 * pod's identity required) and the CA, both on tools/ca-server's PKI, each on its own address since CA_ADDR names
 * istio-pilot.istio-system.svc. The pod's / is a scratch directory holding the token and istiod's root where Istio
 * 1.5 reads them (./var/run/secrets/tokens/istio-token, ./var/run/secrets/istio/root-cert.pem), and no /etc/certs.
 */
export async function startLocalIstiodWithCa(t: Test, opts: CaOptions = {}): Promise<LocalIstiodWithCa> {
  const work = scratch(t);
  const day = 24 * 3_600_000;
  const pki = await makeCaPki({ notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + day) });
  const tls = { certChain: Buffer.from(pki.serving.certPem), key: Buffer.from(pki.serving.keyPem), clientCa: Buffer.from(pki.rootPem), clientIdentity: seedIdentity };
  const xds = await seedXds(tls);
  t.teardown(() => xds.server.close());
  const token = fakeServiceAccountToken(seedPodEnv.POD_NAMESPACE!, seedPodEnv.SERVICE_ACCOUNT!);
  const ca = await onOwnLoopback((host) => startCaServer({ host, port: 15012, token, pki, ...(opts.maxLifetimeMs === undefined ? {} : { maxLifetimeMs: opts.maxLifetimeMs }) }));
  t.teardown(() => ca.server.close());
  const caHost = injectedCaEnv.CA_ADDR!.split(':')[0]!;
  const hosts = writeHosts(work, { [istiodHost]: xds.address, [caHost]: ca.address });

  const podRoot = `${work}/pod`;
  mkdirSync(`${podRoot}/var/run/secrets/tokens`, { recursive: true });
  mkdirSync(`${podRoot}/var/run/secrets/istio`, { recursive: true });
  mkdirSync(`${podRoot}/etc/certs`, { recursive: true }); // the default --certDir, empty: nothing mounted
  writeFileSync(`${podRoot}/var/run/secrets/tokens/istio-token`, token);
  writeFileSync(`${podRoot}/var/run/secrets/istio/root-cert.pem`, pki.rootPem);
  return {
    xds: xds.server,
    ca: ca.server,
    token,
    agentOptions: (env = {}) => seedAgentOptions(hosts, `${podRoot}/etc/certs`, { ...seedPodEnv, ...injectedCaEnv, ...env }, podRoot),
  };
}
