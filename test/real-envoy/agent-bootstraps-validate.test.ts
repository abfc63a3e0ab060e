// Every bootstrap the agent can write passes real Envoy's `--mode validate`. Each row runs the real
// bin/pilot-agent with --binaryPath = a fixture that keeps the file it is started with (-c), then hands
// that file to real Envoy 1.40 (and to the stub's validate mode, which must agree).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import t, { type Test } from 'tap';
import { setA } from '../fixtures/certs/pki.js';
import { writeInPlace } from '../fixtures/certs/volume.js';
import { agentBin, kubeletExpand, repoRoot, seedPodEnv, seedProxyArgs, withFlag } from '../helpers/agent.js';
import { freePort, waitFor } from '../helpers/net.js';
import { createNetns } from '../helpers/netns.js';
import { realEnvoyBinary, realEnvoyValidate } from '../helpers/real-envoy.js';
import { alive } from '../helpers/running-agent.js';
import { stubValidate } from '../helpers/stub-validate.js';

const captureBin = `${repoRoot}test/fixtures/real-envoy/capture-bootstrap`;
realEnvoyBinary(); // fail at once, with the fix, when real Envoy is missing

interface Where {
  readonly dir: string;
  readonly admin: number;
  readonly status: number;
}

interface Row {
  readonly name: string;
  /** Flags after `proxy`, role first (`sidecar` or `router`). */
  readonly args: (w: Where) => string[];
  readonly env?: Record<string, string>;
  /** Files to create under the agent's working directory (e.g. the downward API's etc/istio/pod/annotations). */
  readonly files?: Record<string, string>;
  /** Run the agent in a fresh network namespace (no interface addresses: INSTANCE_IP alone decides IPv6). */
  readonly netns?: boolean;
  /** Proves the row's variant really shaped the file. */
  readonly shaped: (b: any, w: Where) => boolean;
}

const xds = (b: any): any => b.static_resources.clusters.find((c: { name: string }) => c.name === 'xds-grpc');

const rows: Row[] = [
  {
    name: 'the seed\'s istio-proxy arguments (zipkin, istiod:15012 so mutual TLS over SDS, log levels, concurrency) with mounted certificates',
    args: ({ dir, admin, status }) => {
      writeInPlace(`${dir}/certs`, setA());
      let args = kubeletExpand(seedProxyArgs, seedPodEnv).slice(1);
      args = withFlag(args, '--configPath', `${dir}/proxy`);
      args = withFlag(args, '--proxyAdminPort', String(admin));
      return [...withFlag(args, '--statusPort', String(status)), '--certDir', `${dir}/certs`];
    },
    env: seedPodEnv,
    shaped: (b) => b.tracing.http.typed_config.collector_cluster === 'zipkin'
      && xds(b).transport_socket.typed_config.common_tls_context.combined_validation_context.default_validation_context.match_typed_subject_alt_names[0].matcher.exact === 'istiod.istio-system.svc',
  },
  {
    name: 'zipkin tracing on its own',
    args: () => ['sidecar', '--zipkinAddress', '127.0.0.1:9411'],
    shaped: (b) => b.tracing.http.typed_config.collector_cluster === 'zipkin',
  },
  {
    name: 'a statsd sink',
    args: () => ['sidecar', '--statsdUdpAddress', '127.0.0.1:9125'],
    shaped: (b) => b.stats_sinks[0].typed_config.address.socket_address.port_value === 9125,
  },
  {
    name: 'controlPlaneAuthPolicy MUTUAL_TLS with the certificate files in --certDir (restart delivery)',
    args: ({ dir }) => {
      writeInPlace(`${dir}/certs`, setA());
      return ['sidecar', '--controlPlaneAuthPolicy', 'MUTUAL_TLS', '--certDir', `${dir}/certs`, '--discoveryAddress', 'istiod.istio-system.svc:15012', '--certDelivery', 'restart'];
    },
    shaped: (b, { dir }) => xds(b).transport_socket.typed_config.common_tls_context.tls_certificates[0].certificate_chain.filename === `${dir}/certs/cert-chain.pem`,
  },
  {
    name: 'the stats annotations (inclusion prefixes with {pod_ip}, suffixes, an RE2 regex, extra tags)',
    args: () => ['sidecar'],
    files: {
      'etc/istio/pod/annotations': [
        'sidecar.istio.io/extraStatTags="dlp_status,dlp_error"',
        'sidecar.istio.io/statsInclusionPrefixes="prefix1,http.{pod_ip}_"',
        'sidecar.istio.io/statsInclusionRegexps="http\\\\.[0-9]*\\\\.[0-9]*\\\\.[0-9]*\\\\.[0-9]*_8080\\\\.downstream_rq_time"',
        'sidecar.istio.io/statsInclusionSuffixes="upstream_rq_retry"',
      ].join('\n'),
    },
    shaped: (b) => b.stats_config.stats_matcher.inclusion_list.patterns.some((p: any) => p.safe_regex?.regex === 'http\\.[0-9]*\\.[0-9]*\\.[0-9]*\\.[0-9]*_8080\\.downstream_rq_time')
      && b.stats_config.stats_tags.some((s: any) => s.tag_name === 'dlp_error'),
  },
  {
    name: 'the Datadog tracer (--datadogAgentAddress)',
    args: () => ['sidecar', '--datadogAgentAddress', 'localhost:8126'],
    shaped: (b) => b.tracing.http.name === 'envoy.tracers.datadog' && b.static_resources.clusters.some((c: any) => c.name === 'datadog_agent'),
  },
  {
    name: 'the metrics service with MUTUAL TLS, names and keepalive, beside statsd (--envoyMetricsService)',
    args: ({ dir }) => {
      writeInPlace(`${dir}/ms`, setA());
      const ms = { address: 'localhost:15000', tlsSettings: { mode: 'MUTUAL', clientCertificate: `${dir}/ms/cert-chain.pem`, privateKey: `${dir}/ms/key.pem`, caCertificates: `${dir}/ms/root-cert.pem`, subjectAltNames: ['metrics.example', 'spiffe://cluster.local/ns/istio-system/sa/ms'], sni: 'metrics.example' }, tcpKeepalive: { probes: 3, time: '10s', interval: '5s' } };
      return ['sidecar', '--envoyMetricsService', JSON.stringify(ms), '--statsdUdpAddress', '127.0.0.1:9125'];
    },
    shaped: (b) => b.stats_sinks[0].name === 'envoy.stat_sinks.metrics_service' && b.static_resources.clusters.some((c: any) => c.name === 'envoy_metrics_service' && c.transport_socket && c.upstream_connection_options),
  },
  {
    name: 'the access log service with SIMPLE TLS (--envoyAccessLogService)',
    args: ({ dir }) => {
      writeInPlace(`${dir}/als`, setA());
      return ['sidecar', '--envoyAccessLogService', JSON.stringify({ address: 'localhost:15001', tlsSettings: { mode: 'SIMPLE', caCertificates: `${dir}/als/root-cert.pem` } })];
    },
    shaped: (b) => b.static_resources.clusters.some((c: any) => c.name === 'envoy_accesslog_service' && c.transport_socket.typed_config.common_tls_context.tls_certificates === undefined),
  },
  {
    name: 'controlPlaneAuthPolicy MUTUAL_TLS with the certificates over SDS (sds-grpc cluster over the socket, secrets default and ROOTCA)',
    args: ({ dir }) => {
      writeInPlace(`${dir}/certs`, setA());
      return ['sidecar', '--controlPlaneAuthPolicy', 'MUTUAL_TLS', '--certDir', `${dir}/certs`, '--discoveryAddress', 'istiod.istio-system.svc:15012', '--certDelivery', 'sds'];
    },
    shaped: (b, { dir }) => {
      const tls = xds(b).transport_socket.typed_config.common_tls_context;
      const sds = b.static_resources.clusters.find((c: { name: string }) => c.name === 'sds-grpc');
      return tls.tls_certificate_sds_secret_configs[0].name === 'default'
        && tls.combined_validation_context.validation_context_sds_secret_config.name === 'ROOTCA'
        && sds.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.pipe.path === `${dir}/proxy/SDS`;
    },
  },
  {
    name: 'the router role',
    args: () => ['router'],
    shaped: (b) => String(b.node.id).startsWith('router~'),
  },
  {
    name: 'the Consul registry',
    args: () => ['sidecar', '--serviceregistry', 'Consul'],
    shaped: (b) => String(b.node.id).endsWith('.service.consul~service.consul'),
  },
  {
    name: 'the Mock registry',
    args: () => ['sidecar', '--serviceregistry', 'Mock'],
    shaped: (b) => String(b.node.id).startsWith('sidecar~127.0.0.1~'),
  },
  {
    name: 'IPv6 only (INSTANCE_IP ::1 in a namespace without IPv4 addresses)',
    args: () => ['sidecar', '--discoveryAddress', '[::1]:15010'],
    env: { INSTANCE_IP: '::1' },
    netns: true,
    shaped: (b) => b.admin.address.socket_address.address === '::1' && b.static_resources.listeners[0].address.socket_address.address === '::',
  },
  {
    name: 'a custom --templateFile',
    args: ({ dir }) => {
      writeFileSync(`${dir}/template.json`, JSON.stringify({
        node: { id: '{{node_id}}', cluster: '{{cluster}}', metadata: '{{metadata}}' },
        admin: { address: { socket_address: { address: '{{localhost}}', port_value: '{{admin_port}}' } } },
        static_resources: { clusters: [{ name: 'agent', type: 'STATIC', connect_timeout: '{{connect_timeout}}', load_assignment: { cluster_name: 'agent', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '{{localhost}}', port_value: '{{status_port}}' } } } }] }] } }] },
      }));
      return ['sidecar', '--templateFile', `${dir}/template.json`];
    },
    shaped: (b, { status }) => b.static_resources.clusters.length === 1 && b.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value === status,
  },
  {
    name: 'a --customConfigFile, passed as it is',
    args: ({ dir, admin }) => {
      writeFileSync(`${dir}/custom.json`, JSON.stringify({ admin: { address: { socket_address: { address: '127.0.0.1', port_value: admin } } }, node: { id: 'custom', cluster: 'custom' } }));
      return ['sidecar', '--customConfigFile', `${dir}/custom.json`];
    },
    shaped: (b) => b.node.id === 'custom',
  },
];

/** Run the agent until the fixture has the bootstrap, stop it, and return the file's path. */
async function captureBootstrap(t: Test, row: Row): Promise<{ file: string; where: Where }> {
  const dir = mkdtempSync(`${tmpdir()}/real-envoy-bootstrap-`);
  const where: Where = { dir, admin: await freePort(), status: await freePort() };
  const file = `${dir}/captured.json`;
  for (const [path, text] of Object.entries(row.files ?? {})) {
    mkdirSync(dirname(`${dir}/${path}`), { recursive: true });
    writeFileSync(`${dir}/${path}`, text);
  }
  const args = [
    agentBin, 'proxy', ...row.args(where),
    '--binaryPath', captureBin, '--configPath', `${dir}/proxy`,
    '--proxyAdminPort', String(where.admin), '--statusPort', String(where.status),
  ];
  const env = {
    PATH: process.env.PATH ?? '',
    POD_NAME: 'app-0', POD_NAMESPACE: 'test', INSTANCE_IP: '127.0.0.1',
    ENVOY_STATUS_PORT: String(await freePort()), ENVOY_PROMETHEUS_PORT: String(await freePort()),
    TERMINATION_MESSAGE_PATH: `${dir}/termination-log`,
    ...row.env,
    CAPTURE_BOOTSTRAP_TO: file,
  };
  const wrapper = row.netns ? ['ip', 'netns', 'exec', await createNetns(t, 'rev')] : [];
  const [cmd, ...pre] = [...wrapper, process.execPath];
  const proc = spawn(cmd!, [...pre, ...args], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  // The agent's shutdown (drain) is not under test: both are killed once the file is there.
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
    const pid = existsSync(`${file}.pid`) ? Number(readFileSync(`${file}.pid`, 'utf8')) : 0;
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  };
  t.teardown(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });
  // Wait for the fixture's copy (it renames into place, so existence means complete); the deadline only guards a hang.
  await waitFor('the captured bootstrap', () => {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`agent exited before starting envoy: ${output.slice(-800)}`);
    return existsSync(file);
  }, 30_000, 50).catch((e: Error) => {
    throw new Error(`${e.message}: ${output.slice(-800)}`);
  });
  await stop();
  return { file, where };
}

for (const row of rows) {
  t.test(`real envoy --mode validate accepts the bootstrap for ${row.name}`, async (t) => {
    const { file, where } = await captureBootstrap(t, row);
    const text = readFileSync(file, 'utf8');
    t.ok(row.shaped(JSON.parse(text), where), 'the file has the variant\'s shape');
    const verdict = await realEnvoyValidate(file);
    t.ok(verdict.ok, 'real envoy accepts it', { output: verdict.output });
    t.same(await stubValidate(file), { ok: true, reason: '' }, 'and so does the stub\'s validate mode');
  });
}
