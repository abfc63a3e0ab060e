// The good Istio-like bootstrap must pass; each mutation of it must fail with the expected kind
// at the expected JSON path, the way Envoy would reject it.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { loadEnvoyTypes, validateBootstrapText, type ValidationResult } from '../../../../tools/envoy-stub/src/envoy-api/index.js';

const types = await loadEnvoyTypes();
const goodText = readFileSync(new URL('../../../fixtures/envoy-api/istio-bootstrap.json', import.meta.url), 'utf8');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test mutations poke anywhere

function good(): Json {
  return JSON.parse(goodText) as Json;
}
const cluster = (b: Json, name: string): Json => b.static_resources.clusters.find((c: Json) => c.name === name);
const hcm = (b: Json): Json => b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
const hcmCamel = (b: Json): Json => b.static_resources.listeners[1].filterChains[0].filters[0].typedConfig;
const H2 = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const HCM_PATH = 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config';
const XDS_PATH = 'static_resources.clusters[2]';

interface Case {
  name: string;
  mutate?: (b: Json) => void;
  /** Edit the serialized text instead (for what JS values cannot express). */
  text?: (s: string) => string;
  kind: string;
  path: string;
  envoy?: string | RegExp;
  opts?: { allowUnknownStaticFields?: boolean; cliProvidesNode?: boolean };
}

const cases: Case[] = [
  { name: 'rejects an unknown field', mutate: (b) => (b.admin.adress = 'x'), kind: 'UNKNOWN_FIELD', path: 'admin.adress', envoy: /^Protobuf message \(type envoy\.config\.bootstrap\.v3\.Bootstrap reason INVALID_ARGUMENT:.*no such field: 'adress'.*\) has unknown fields$/ },
  { name: 'rejects an unknown field inside a typed_config', mutate: (b) => (hcm(b).stat_prefixx = 'x'), kind: 'UNKNOWN_FIELD', path: `${HCM_PATH}.stat_prefixx`, envoy: /has unknown fields$/ },
  { name: 'rejects an unknown field inside a nested camelCase typed_config', mutate: (b) => (hcmCamel(b).httpFilters[0].typedConfig.suppressEnvoyHeaderz = true), kind: 'UNKNOWN_FIELD', path: 'static_resources.listeners[1].filterChains[0].filters[0].typedConfig.httpFilters[0].typedConfig.suppressEnvoyHeaderz' },
  { name: 'rejects an unknown field in a typed_extension_protocol_options payload', mutate: (b) => (cluster(b, 'xds-grpc').typed_extension_protocol_options[H2].explicit_http_config.http2_protocol_options.bogus = 1), kind: 'UNKNOWN_FIELD', path: `${XDS_PATH}.typed_extension_protocol_options["${H2}"].explicit_http_config.http2_protocol_options.bogus` },
  { name: 'rejects one field given under both spellings', mutate: (b) => (cluster(b, 'zipkin').connectTimeout = '2s'), kind: 'DUPLICATE_FIELD', path: 'static_resources.clusters[3].connectTimeout', envoy: /^Unable to parse JSON as proto \(INVALID_ARGUMENT: / },
  { name: 'reports an unknown enum name as an unknown field', mutate: (b) => (cluster(b, 'zipkin').dns_lookup_family = 'IPV4_ONLY'), kind: 'UNKNOWN_ENUM', path: 'static_resources.clusters[3].dns_lookup_family', envoy: /valid: AUTO, V4_ONLY, V6_ONLY, V4_PREFERRED, ALL\) has unknown fields$/ },
  { name: 'rejects an undefined enum number (PGV defined_only)', mutate: (b) => (cluster(b, 'zipkin').lb_policy = 42), kind: 'PGV', path: 'static_resources.clusters[3].lb_policy', envoy: /ClusterValidationError\.LbPolicy: value must be one of the defined enum values\)$/ },
  { name: 'rejects a string for a bool that is no bool word ("true", "yes", "0" pass, as in Envoy 1.40)', mutate: (b) => (cluster(b, 'zipkin').respect_dns_ttl = 'off'), kind: 'TYPE', path: 'static_resources.clusters[3].respect_dns_ttl' },
  { name: 'rejects an object for a repeated field', mutate: (b) => (b.stats_config.stats_tags = { tag_name: 'x' }), kind: 'TYPE', path: 'stats_config.stats_tags' },
  { name: 'rejects a string for a message', mutate: (b) => (b.admin.address = '127.0.0.1:15000'), kind: 'TYPE', path: 'admin.address' },
  { name: 'rejects port_value 70000 (PGV lte 65535)', mutate: (b) => (b.admin.address.socket_address.port_value = 70000), kind: 'PGV', path: 'admin.address.socket_address.port_value', envoy: /SocketAddressValidationError\.PortValue: value must be less than or equal to 65535\)$/ },
  { name: 'rejects a fractional port_value', mutate: (b) => (b.admin.address.socket_address.port_value = 15000.5), kind: 'TYPE', path: 'admin.address.socket_address.port_value' },
  { name: 'rejects a negative uint32', mutate: (b) => (b.admin.address.socket_address.port_value = -1), kind: 'TYPE', path: 'admin.address.socket_address.port_value' },
  { name: 'rejects a non-numeric string for an integer', mutate: (b) => (b.admin.address.socket_address.port_value = 'abc'), kind: 'TYPE', path: 'admin.address.socket_address.port_value' },
  { name: 'rejects a uint64 of 2^64', text: (s) => s.replace('"max_heap_size_bytes": 1073741824', '"max_heap_size_bytes": 18446744073709551616'), kind: 'TYPE', path: 'overload_manager.resource_monitors[0].typed_config.max_heap_size_bytes' },
  { name: 'rejects a malformed Duration', mutate: (b) => (cluster(b, 'zipkin').connect_timeout = '5sec'), kind: 'TYPE', path: 'static_resources.clusters[3].connect_timeout', envoy: /^Unable to parse JSON as proto \(INVALID_ARGUMENT: invalid JSON in envoy\.config\.bootstrap\.v3\.Bootstrap @ static_resources\.clusters\[3\]\.connect_timeout: / },
  { name: 'rejects a number for a Duration', mutate: (b) => (cluster(b, 'zipkin').connect_timeout = 5), kind: 'TYPE', path: 'static_resources.clusters[3].connect_timeout' },
  { name: 'rejects a Duration with more than 9 fraction digits', mutate: (b) => (cluster(b, 'zipkin').connect_timeout = '0.0000000001s'), kind: 'TYPE', path: 'static_resources.clusters[3].connect_timeout' },
  { name: 'rejects stats_flush_interval of 301s (PGV < 300s)', mutate: (b) => (b.stats_flush_interval = '301s'), kind: 'PGV', path: 'stats_flush_interval', envoy: 'Proto constraint validation failed (BootstrapValidationError.StatsFlushInterval: value must be inside range [0.001s, 300s))' },
  { name: 'rejects stats_flush_interval below 1ms', mutate: (b) => (b.stats_flush_interval = '0.0001s'), kind: 'PGV', path: 'stats_flush_interval' },
  { name: 'rejects an Any @type that does not resolve', mutate: (b) => (b.tracing.http.typed_config['@type'] = 'type.googleapis.com/envoy.config.trace.v3.ZipkinConfiguration'), kind: 'UNKNOWN_ANY_TYPE', path: 'tracing.http.typed_config.@type', envoy: /Invalid type URL, unknown type: envoy\.config\.trace\.v3\.ZipkinConfiguration for type Any\)$/ },
  { name: 'rejects an Any @type with another prefix', mutate: (b) => (b.tracing.http.typed_config['@type'] = 'example.com/envoy.config.trace.v3.ZipkinConfig'), kind: 'TYPE', path: 'tracing.http.typed_config.@type' },
  { name: 'rejects an Any without @type', mutate: (b) => delete b.tracing.http.typed_config['@type'], kind: 'TYPE', path: 'tracing.http.typed_config' },
  { name: 'rejects an Any of a type whose protos are not shipped', mutate: (b) => (b.tracing.http.typed_config = { '@type': 'type.googleapis.com/envoy.config.trace.v3.OpenCensusConfig' }), kind: 'TYPE', path: 'tracing.http.typed_config.@type' },
  { name: 'rejects two members of a oneof', mutate: (b) => (cluster(b, 'zipkin').cluster_type = { name: 'envoy.clusters.aggregate' }), kind: 'ONEOF', path: 'static_resources.clusters[3].cluster_type' },
  { name: 'rejects a missing required oneof inside a typed_config', mutate: (b) => delete cluster(b, 'xds-grpc').typed_extension_protocol_options[H2].explicit_http_config, kind: 'PGV', path: `${XDS_PATH}.typed_extension_protocol_options["${H2}"]`, envoy: 'Proto constraint validation failed (HttpProtocolOptionsValidationError.UpstreamProtocolOptions: value is required)' },
  { name: 'rejects a layer without its required oneof', mutate: (b) => (b.layered_runtime.layers[1] = { name: 'admin' }), kind: 'PGV', path: 'layered_runtime.layers[1]' },
  { name: 'rejects a cluster without a name (PGV on absent scalars)', mutate: (b) => delete cluster(b, 'zipkin').name, kind: 'PGV', path: 'static_resources.clusters[3].name', envoy: 'Proto constraint validation failed (BootstrapValidationError.StaticResources: embedded message failed validation | caused by StaticResourcesValidationError.Clusters[3]: embedded message failed validation | caused by ClusterValidationError.Name: value length must be at least 1 characters)' },
  { name: 'rejects an empty HCM stat_prefix', mutate: (b) => (hcm(b).stat_prefix = ''), kind: 'PGV', path: `${HCM_PATH}.stat_prefix`, envoy: 'Proto constraint validation failed (HttpConnectionManagerValidationError.StatPrefix: value length must be at least 1 characters)' },
  { name: 'rejects an overload manager without resource monitors (min_items)', mutate: (b) => (b.overload_manager.resource_monitors = []), kind: 'PGV', path: 'overload_manager.resource_monitors' },
  { name: 'rejects a virtual host without domains (min_items)', mutate: (b) => (hcm(b).route_config.virtual_hosts[0].domains = []), kind: 'PGV', path: `${HCM_PATH}.route_config.virtual_hosts[0].domains` },
  { name: 'rejects a Struct given as a string', mutate: (b) => (b.node.metadata = 'x'), kind: 'TYPE', path: 'node.metadata' },
  { name: 'rejects a null map value', mutate: (b) => (cluster(b, 'xds-grpc').typed_extension_protocol_options.other = null), kind: 'TYPE', path: `${XDS_PATH}.typed_extension_protocol_options.other` },
  { name: 'rejects a wrapper given as an object', mutate: (b) => (b.stats_config.use_all_default_tags = { value: false }), kind: 'TYPE', path: 'stats_config.use_all_default_tags' },
  { name: 'rejects a doubled comma', text: (s) => s.replace('"cluster": "productpage.default",', '"cluster": "productpage.default",,'), kind: 'SYNTAX', path: 'node', envoy: /^Unable to parse JSON as proto \(INVALID_ARGUMENT: invalid JSON at 4:/ },
  { name: 'rejects a filter with a name but no typed_config', mutate: (b) => delete hcm(b).http_filters[0].typed_config, kind: 'SEMANTIC', path: `${HCM_PATH}.http_filters[0].typed_config`, envoy: "Didn't find a registered implementation for 'envoy.filters.http.router' with type URL: ''" },
  { name: 'rejects a host name in a STATIC cluster', mutate: (b) => (cluster(b, 'agent').load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = 'localhost'), kind: 'SEMANTIC', path: 'static_resources.clusters[1].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address', envoy: "malformed IP address: localhost. Consider setting resolver_name or setting cluster type to 'STRICT_DNS' or 'LOGICAL_DNS'" },
  { name: 'rejects a host name in a listener address', mutate: (b) => (b.static_resources.listeners[1].address.socketAddress.address = 'localhost'), kind: 'SEMANTIC', path: 'static_resources.listeners[1].address.socketAddress.address' },
  { name: 'rejects a host name as the admin address', mutate: (b) => (b.admin.address.socket_address.address = 'localhost'), kind: 'SEMANTIC', path: 'admin.address.socket_address.address' },
  { name: 'rejects a route to a cluster that does not exist', mutate: (b) => (hcm(b).route_config.virtual_hosts[0].routes[0].route.cluster = 'nope'), kind: 'SEMANTIC', path: `${HCM_PATH}.route_config.virtual_hosts[0].routes[0].route.cluster`, envoy: "route: unknown cluster 'nope'" },
  { name: 'rejects a weighted route to a cluster that does not exist', mutate: (b) => (hcm(b).route_config.virtual_hosts[0].routes[0].route = { weighted_clusters: { clusters: [{ name: 'agent', weight: 1 }, { name: 'nope', weight: 1 }] } }), kind: 'SEMANTIC', path: `${HCM_PATH}.route_config.virtual_hosts[0].routes[0].route.weighted_clusters.clusters[1].name` },
  { name: 'rejects a duplicate cluster name', mutate: (b) => (cluster(b, 'zipkin').name = 'agent'), kind: 'SEMANTIC', path: 'static_resources.clusters[3].name', envoy: "cluster manager: duplicate cluster 'agent'" },
  { name: 'rejects ADS without a node id', mutate: (b) => delete b.node.id, kind: 'SEMANTIC', path: 'node', envoy: "ads: node 'id' and 'cluster' are required. Set it either in 'node' config or via --service-node and --service-cluster options." },
  { name: 'rejects an ADS cluster that is not a static cluster', mutate: (b) => (b.dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name = 'xds-cds'), kind: 'SEMANTIC', path: 'dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name' },
  { name: 'rejects an ADS cluster of type EDS', mutate: (b) => { const c = cluster(b, 'xds-grpc'); c.type = 'EDS'; c.eds_cluster_config = { eds_config: { ads: {} } }; delete c.load_assignment; }, kind: 'SEMANTIC', path: 'dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name' },
  { name: 'rejects a reserved field, saying it is reserved', mutate: (b) => (b.node.build_version = '1.0'), kind: 'UNKNOWN_FIELD', path: 'node.build_version' },
];

function check(t: Test, res: ValidationResult, c: Case): void {
  const hit = res.errors.find((e) => e.kind === c.kind && e.path === c.path);
  t.ok(hit, `${c.kind} at ${c.path}`, { errors: res.errors });
  t.equal(res.ok, false);
  if (c.envoy instanceof RegExp) t.match(res.envoyMessage, c.envoy);
  else if (c.envoy) t.equal(res.envoyMessage, c.envoy);
}

t.test('the Istio-like bootstrap passes with only the two true deprecation warnings', async (t) => {
  const res = validateBootstrapText(types, goodText);
  t.same(res.errors, []);
  t.equal(res.ok, true);
  t.equal(res.envoyMessage, undefined);
  t.same(res.warnings.map((w) => `${w.kind} ${w.path}`).sort(), ['DEPRECATED static_resources.clusters[2].max_requests_per_connection', 'DEPRECATED tracing']);
  t.ok(res.warnings.every((w) => typeof w.line === 'number' && typeof w.col === 'number'));
});

t.test(`${cases.length} mutations of the good bootstrap`, async (t) => {
  t.ok(cases.length >= 30);
  for (const c of cases) {
    t.test(c.name, async (t) => {
      let text: string;
      if (c.mutate) {
        const b = good();
        c.mutate(b);
        text = JSON.stringify(b, null, 2);
      } else {
        text = goodText;
      }
      if (c.text) {
        const edited = c.text(text);
        t.not(edited, text, 'the text edit applies');
        text = edited;
      }
      check(t, validateBootstrapText(types, text, c.opts), c);
    });
  }
});
