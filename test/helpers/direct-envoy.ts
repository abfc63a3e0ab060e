// Real Envoy started directly (no agent) with a minimal bootstrap whose only config source is ADS at a given port:
// the harness for testing the xDS server itself. Killed and cleaned up in teardown.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { http } from './node-http.js';
import { tmpdir } from 'node:os';
import type { Test } from 'tap';
import { freePort, request, waitFor } from './net.js';
import { realEnvoyBinary } from './real-envoy.js';

export interface DirectEnvoy {
  readonly adminPort: number;
  readonly nodeId: string;
  readonly output: () => string;
  /** One stat's value from the admin port (0 when absent). */
  stat(name: string): Promise<number>;
}

export function adsBootstrap(nodeId: string, adminPort: number, xdsPort: number): object {
  const ads = { ads: {}, resource_api_version: 'V3' };
  return {
    node: { id: nodeId, cluster: 'app.default' },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: adminPort } } },
    dynamic_resources: {
      ads_config: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }] },
      cds_config: ads,
      lds_config: ads,
    },
    static_resources: {
      clusters: [
        {
          name: 'xds-grpc',
          type: 'STATIC',
          connect_timeout: '1s',
          load_assignment: { cluster_name: 'xds-grpc', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: xdsPort } } } }] }] },
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
        },
      ],
    },
  };
}

/**
 * Real Envoy from a bootstrap written to `<dir>/envoy.json`, with `--base-id` taken from its admin port (unique among
 * the envoys on this host right now). Teardown kills it, removes `dir` and the shared-memory file Envoy leaves.
 */
export function runEnvoyConfig(t: Test, dir: string, config: unknown, adminPort: number): { proc: ReturnType<typeof spawn>; output: () => string } {
  writeFileSync(`${dir}/envoy.json`, JSON.stringify(config));
  const proc = spawn(realEnvoyBinary(), ['-c', `${dir}/envoy.json`, '--base-id', String(adminPort), '-l', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  t.teardown(async () => {
    proc.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    rmSync(`/dev/shm/envoy_shared_memory_${adminPort * 10}`, { force: true }); // Envoy leaves it even on a clean exit
  });
  return { proc, output: () => out };
}

export async function startDirectEnvoy(t: Test, xdsPort: number): Promise<DirectEnvoy> {
  const dir = mkdtempSync(`${tmpdir()}/xds-envoy-`);
  const adminPort = await freePort();
  const nodeId = `sidecar~127.0.0.1~direct-${adminPort}.default~default.svc.cluster.local`;
  const { output } = runEnvoyConfig(t, dir, adsBootstrap(nodeId, adminPort, xdsPort), adminPort);
  const envoy: DirectEnvoy = {
    adminPort,
    nodeId,
    output,
    async stat(name) {
      const exact = `^${name.replace(/[.|*+?()[\]{}^$\\]/g, '\\$&')}$`;
      const r = await request(`http://127.0.0.1:${adminPort}/stats?filter=${encodeURIComponent(exact)}`);
      return Number(/: (\d+)\s*$/.exec(r.body)?.[1] ?? 0);
    },
  };
  await waitFor('envoy admin port', async () => (await request(`http://127.0.0.1:${adminPort}/ready`).catch(() => undefined)) !== undefined, 30_000);
  return envoy;
}

/** A tiny app: answers every request with its own name and the path, so a test sees the request got through. */
export async function startApp(t: Test, name = 'app'): Promise<number> {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`hello from ${name} ${req.url}\n`);
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections(); // Envoy keeps its upstream connections alive
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as { port: number }).port;
}
