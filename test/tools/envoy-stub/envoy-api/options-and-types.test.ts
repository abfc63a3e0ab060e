// Options, the loader's cache, the value/message entry points, and the JSON forms of the
// well-known types (Any, Duration, Timestamp, Struct/Value/ListValue, wrappers, TypedStruct).
import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  loadEnvoyTypes,
  tryLoadEnvoyTypes,
  validateBootstrapText,
  validateBootstrapValue,
  validateMessage,
  validateMessageText,
} from '../../../../tools/envoy-stub/src/envoy-api/index.js';

const types = await loadEnvoyTypes();
const goodText = readFileSync(new URL('../../../fixtures/envoy-api/istio-bootstrap.json', import.meta.url), 'utf8');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const good = (): Json => JSON.parse(goodText) as Json;
const kinds = (issues: { kind: string; path: string }[]): string[] => issues.map((i) => `${i.kind} ${i.path}`);

t.test('loading is cached: a second call returns the same object', async (t) => {
  t.equal(await loadEnvoyTypes(), types);
  t.equal(await tryLoadEnvoyTypes(), types);
  t.ok(types.stats.messageTypes > 1000, `${types.stats.messageTypes} message types`);
  t.ok(types.stats.skipped > 100, `${types.stats.skipped} v2-era files skipped`);
  t.ok(types.stats.failed.length <= 8, 'only a few third-party imports are missing');
  t.ok(types.lookupMessage('envoy.config.bootstrap.v3.Bootstrap'));
  t.ok(types.lookupEnum('envoy.config.core.v3.ApiVersion'));
  t.equal(types.lookupMessage('envoy.config.core.v3.ApiVersion'), undefined, 'an enum is not a message');
  t.equal(types.lookupEnum('no.such.Enum'), undefined);
});

t.test('allowUnknownStaticFields turns unknown fields and enum names into warnings', async (t) => {
  const b = good();
  b.admin.adress = 'x';
  b.static_resources.clusters[3].dns_lookup_family = 'IPV4_ONLY';
  const strict = validateBootstrapValue(types, b);
  t.same(kinds(strict.errors), ['UNKNOWN_FIELD admin.adress', 'UNKNOWN_ENUM static_resources.clusters[3].dns_lookup_family']);
  const lax = validateBootstrapValue(types, b, { allowUnknownStaticFields: true });
  t.equal(lax.ok, true);
  t.same(lax.errors, []);
  t.ok(lax.warnings.some((w) => w.kind === 'UNKNOWN_FIELD' && w.path === 'admin.adress'));
  t.ok(lax.warnings.some((w) => w.kind === 'UNKNOWN_ENUM'));
});

t.test('cliProvidesNode accepts ADS without node id and cluster', async (t) => {
  const b = good();
  delete b.node;
  t.same(kinds(validateBootstrapValue(types, b).errors), ['SEMANTIC node']);
  t.equal(validateBootstrapValue(types, b, { cliProvidesNode: true }).ok, true);
});

t.test('cds/lds over their own gRPC source need the node too, and a static cluster', async (t) => {
  const b = good();
  delete b.dynamic_resources.ads_config;
  b.dynamic_resources.cds_config = { api_config_source: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'nope' } }] } };
  delete b.node.cluster;
  const res = validateBootstrapValue(types, b);
  t.match(res.envoyMessage, /^cds: node 'id' and 'cluster' are required/);
  t.ok(res.errors.some((e) => e.path === 'dynamic_resources.cds_config.api_config_source.grpc_services[0].envoy_grpc.cluster_name'));
});

t.test('validate_clusters false allows a route to a cluster that CDS will deliver', async (t) => {
  const b = good();
  const rc = b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config;
  rc.virtual_hosts[0].routes[0].route.cluster = 'outbound|9080||reviews.default.svc.cluster.local';
  t.equal(validateBootstrapValue(types, b).ok, false);
  rc.validate_clusters = false;
  t.equal(validateBootstrapValue(types, b).ok, true);
});

t.test('an already-parsed value validates without line numbers', async (t) => {
  const res = validateBootstrapValue(types, good());
  t.equal(res.ok, true);
  const bad = good();
  bad.admin.address.socket_address.port_value = 70000;
  const r = validateBootstrapValue(types, bad);
  t.equal(r.errors[0]?.line, undefined);
  t.equal(r.errors[0]?.path, 'admin.address.socket_address.port_value');
});

t.test('validateMessage checks any message type and rejects an unknown type name', async (t) => {
  t.equal(validateMessage(types, 'envoy.config.cluster.v3.Cluster', { name: 'c', connect_timeout: '1s' }).ok, true);
  const r = validateMessage(types, 'type.googleapis.com/envoy.config.cluster.v3.Cluster', { connect_timeout: '0s' });
  t.same(kinds(r.errors).sort(), ['PGV connect_timeout', 'PGV name']);
  t.throws(() => validateMessage(types, 'envoy.no.Such', {}), /unknown message type/);
  t.equal(validateMessage(types, 'envoy.config.cluster.v3.Cluster', 'x').errors[0]?.kind, 'TYPE');
  const text = validateMessageText(types, 'envoy.config.core.v3.Node', '{\n  "id": 1\n}');
  t.match(text.errors[0], { kind: 'TYPE', path: 'id', line: 2, col: 9 });
});

const META = (v: unknown): Json => ({ name: 'c', metadata: { typed_filter_metadata: { k: v } } });
const CLUSTER = 'envoy.config.cluster.v3.Cluster';
const wkt = (name: string): string => `type.googleapis.com/google.protobuf.${name}`;

t.test('well-known types inside an Any go under "value"', async (t) => {
  t.equal(validateMessage(types, CLUSTER, META({ '@type': wkt('Duration'), value: '1.5s' })).ok, true);
  t.equal(validateMessage(types, CLUSTER, META({ '@type': wkt('Timestamp'), value: '2024-02-29T10:00:00.123Z' })).ok, true);
  t.equal(validateMessage(types, CLUSTER, META({ '@type': wkt('Struct'), value: { a: [1, null, { b: true }] } })).ok, true);
  t.equal(validateMessage(types, CLUSTER, META({ '@type': wkt('Value'), value: null })).ok, true);
  t.equal(validateMessage(types, CLUSTER, META({ '@type': wkt('FieldMask'), value: 'a.b,c' })).ok, true);
  t.equal(validateMessage(types, CLUSTER, META({ '@type': wkt('UInt32Value'), value: '7' })).ok, true);
  t.equal(validateMessage(types, CLUSTER, META({ '@type': wkt('Empty') })).ok, true);
  t.equal(validateMessage(types, CLUSTER, META({})).ok, true, 'an empty Any is allowed');
  const cases: [unknown, string, string][] = [
    [{ '@type': wkt('Duration'), seconds: 1 }, 'UNKNOWN_FIELD', 'metadata.typed_filter_metadata.k.seconds'],
    [{ '@type': wkt('Duration') }, 'TYPE', 'metadata.typed_filter_metadata.k'],
    [{ '@type': wkt('Duration'), value: '-400000000000s' }, 'TYPE', 'metadata.typed_filter_metadata.k.value'],
    [{ '@type': wkt('Timestamp'), value: '2023-02-29T10:00:00Z' }, 'TYPE', 'metadata.typed_filter_metadata.k.value'],
    [{ '@type': wkt('Timestamp'), value: 17 }, 'TYPE', 'metadata.typed_filter_metadata.k.value'],
    [{ '@type': wkt('ListValue'), value: {} }, 'TYPE', 'metadata.typed_filter_metadata.k.value'],
    [{ '@type': wkt('FieldMask'), value: 'a b' }, 'TYPE', 'metadata.typed_filter_metadata.k.value'],
    [{ '@type': wkt('BoolValue'), value: 'off' }, 'TYPE', 'metadata.typed_filter_metadata.k.value'],
    [{ '@type': wkt('Empty'), x: 1 }, 'UNKNOWN_FIELD', 'metadata.typed_filter_metadata.k.x'],
    [{ '@type': 7 }, 'TYPE', 'metadata.typed_filter_metadata.k.@type'],
    [{ '@type': 'nonsense' }, 'TYPE', 'metadata.typed_filter_metadata.k.@type'],
    ['x', 'TYPE', 'metadata.typed_filter_metadata.k'],
  ];
  for (const [v, kind, path] of cases) {
    t.match(validateMessage(types, CLUSTER, META(v)).errors, [{ kind, path }], JSON.stringify(v));
  }
});

const TS = 'type.googleapis.com/xds.type.v3.TypedStruct';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const FILTER = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter';

t.test('a TypedStruct is checked against its type_url', async (t) => {
  t.equal(validateMessage(types, FILTER, { name: 'r', typed_config: { '@type': TS, type_url: ROUTER, value: { suppress_envoy_headers: true } } }).ok, true);
  const udpa = { '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct', type_url: ROUTER, value: { start_child_span: 'off' } };
  t.match(validateMessage(types, FILTER, { name: 'r', typed_config: udpa }).errors, [{ kind: 'TYPE', path: 'typed_config.value.start_child_span' }]);
  t.match(validateMessage(types, FILTER, { name: 'r', typed_config: { '@type': TS, type_url: ROUTER, value: { bogus: 1 } } }).errors, [{ kind: 'UNKNOWN_FIELD', path: 'typed_config.value.bogus' }]);
  t.match(validateMessage(types, FILTER, { name: 'r', typed_config: { '@type': TS, typeUrl: 'type.googleapis.com/x.Nope', value: {} } }).errors, [{ kind: 'UNKNOWN_ANY_TYPE', path: 'typed_config.typeUrl' }]);
  t.match(validateMessage(types, FILTER, { name: 'r', typed_config: { '@type': TS, type_url: 'Nope', value: {} } }).errors, [{ kind: 'TYPE', path: 'typed_config.type_url' }]);
  t.equal(validateMessage(types, FILTER, { name: 'r', is_optional: true }).ok, true, 'an optional filter may lack its config');
  t.equal(validateMessage(types, FILTER, { name: 'r', config_discovery: { config_source: { ads: {} }, type_urls: [ROUTER] } }).ok, true);
});

t.test('scalars follow the protobuf JSON mapping', async (t) => {
  const ok = (type: string, v: unknown): boolean => validateMessage(types, type, v).ok;
  t.ok(ok('envoy.config.core.v3.DataSource', { inline_bytes: 'aGVsbG8=' }));
  t.notOk(ok('envoy.config.core.v3.DataSource', { inline_bytes: '!!' }));
  t.notOk(ok('envoy.config.core.v3.DataSource', { inline_bytes: 5 }));
  t.ok(ok('envoy.config.core.v3.RuntimeFractionalPercent', { default_value: { numerator: '1e2', denominator: 'HUNDRED' }, runtime_key: 'k' }));
  t.ok(ok('envoy.config.core.v3.RuntimeFractionalPercent', { default_value: { numerator: 1, denominator: 1 } }), 'enum by number');
  t.notOk(ok('envoy.config.core.v3.RuntimeFractionalPercent', { default_value: { numerator: 1, denominator: true } }));
  t.notOk(ok('envoy.config.core.v3.RuntimeFractionalPercent', { default_value: { numerator: 1, denominator: 1.5 } }));
  t.ok(ok('envoy.config.core.v3.RuntimeDouble', { default_value: 'NaN', runtime_key: 'k' }));
  t.notOk(ok('envoy.config.core.v3.RuntimeDouble', { default_value: 'lots', runtime_key: 'k' }));
  t.ok(ok('envoy.config.core.v3.RuntimeDouble', { default_value: '1.5', runtime_key: 'k' }));
  t.ok(ok('envoy.config.cluster.v3.Cluster', { name: 'c', per_connection_buffer_limit_bytes: 1024, dns_lookup_family: 'v4_only' }), 'enum names are case-insensitive');
  t.notOk(ok('envoy.config.cluster.v3.Cluster', { name: 'c', lb_policy: 99999999999 }));
  t.notOk(ok('envoy.config.cluster.v3.Cluster', { name: 'c', lb_policy: {} }));
  t.notOk(ok('envoy.config.cluster.v3.Cluster', { name: 'c', per_connection_buffer_limit_bytes: { value: 1 } }), 'wrappers are bare scalars');
  t.notOk(ok('envoy.config.core.v3.Node', { id: 'a', metadata: { fields: {} }, extensions: [null] }), 'null inside repeated');
  t.notOk(ok('envoy.config.core.v3.Node', { dynamic_parameters: [] }), 'map given as array');
  t.ok(ok('envoy.config.core.v3.Node', { id: null, cluster: 'x' }), 'null means unset');
});

t.test('PGV rules: const, unique, items, pattern, well-known regex, map keys', async (t) => {
  const b = good();
  b.stats_flush_on_admin = false;
  delete b.stats_flush_interval;
  t.match(validateBootstrapValue(types, b).errors, [{ kind: 'PGV', path: 'stats_flush_on_admin', message: /value must equal true/ }]);
  const hist = (buckets: number[]): unknown => ({ histogram_bucket_settings: [{ match: { prefix: 'x' }, buckets }] });
  t.equal(validateMessage(types, 'envoy.config.metrics.v3.StatsConfig', hist([1, 2])).ok, true);
  t.match(validateMessage(types, 'envoy.config.metrics.v3.StatsConfig', hist([1, 1])).errors, [{ message: /unique items/ }]);
  t.match(validateMessage(types, 'envoy.config.metrics.v3.StatsConfig', hist([0])).errors, [{ message: /buckets\[0\]: value must be greater than 0/ }]);
  t.match(validateMessage(types, 'envoy.config.metrics.v3.StatsConfig', { histogram_bucket_settings: [{ buckets: [1] }] }).errors, [{ message: /value is required/ }]);
  t.match(validateMessage(types, 'envoy.config.route.v3.RouteMatch', { path_separated_prefix: '/api/' }).errors, [{ kind: 'PGV', message: /regex pattern/ }]);
  t.equal(validateMessage(types, 'envoy.config.route.v3.RouteMatch', { path_separated_prefix: '/api' }).ok, true);
  t.match(validateMessage(types, 'envoy.config.core.v3.HeaderValue', { key: 'a\nb' }).errors, [{ kind: 'PGV', path: 'key' }]);
  t.match(validateMessage(types, 'envoy.config.core.v3.Metadata', { filter_metadata: { '': {} } }).errors, [{ kind: 'PGV' }]);
  t.match(validateMessage(types, 'envoy.config.core.v3.SocketAddress', { address: '1.2.3.4', port_value: 1, ipv4_compat: 'x' }).errors, [{ kind: 'TYPE' }]);
});

t.test('deprecated and work-in-progress features are warnings; disallowed-by-default is an error', async (t) => {
  const b = good();
  b.dynamic_resources.lds_config.resource_api_version = 'V2';
  const res = validateBootstrapValue(types, b);
  t.equal(res.ok, true);
  t.ok(res.warnings.some((w) => w.kind === 'DEPRECATED' && w.path === 'dynamic_resources.lds_config.resource_api_version' && /deprecated value 'V2'/.test(w.message)));
  const wip = validateMessage(types, 'envoy.extensions.key_value.file_based.v3.FileBasedKeyValueStoreConfig', { filename: '/tmp/x' });
  t.ok(wip.warnings.some((w) => w.kind === 'WORK_IN_PROGRESS'));
  const dis = validateMessage(types, 'envoy.config.route.v3.RateLimit.Action', { dynamic_metadata: { descriptor_key: 'k', metadata_key: { key: 'x', path: [{ key: 'y' }] } } });
  t.match(dis.errors, [{ kind: 'DEPRECATED', path: 'dynamic_metadata' }]);
  t.match(dis.envoyMessage, /disallowed by default/);
});

t.test('Envoy reports a type error before an unknown field, and gives no admin a notice', async (t) => {
  const b = good();
  b.admin.adress = 'x';
  b.stats_config.use_all_default_tags = 'off';
  const res = validateBootstrapValue(types, b);
  t.match(res.envoyMessage, /^Unable to parse JSON as proto/);
  delete b.admin;
  delete b.stats_config;
  t.ok(validateBootstrapValue(types, b).warnings.some((w) => w.kind === 'NOTICE'));
  t.equal(validateBootstrapText(types, '[]').errors[0]?.kind, 'TYPE');
});

t.test('the summary names the start-up error Envoy meets first (admin, clusters, xDS, listeners)', async (t) => {
  const b = good();
  b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0] = { name: 'envoy.filters.http.router' };
  b.static_resources.clusters[3].name = 'agent';
  const res = validateBootstrapValue(types, b);
  t.equal(res.errors.length, 2);
  t.equal(res.envoyMessage, "cluster manager: duplicate cluster 'agent'");
});

t.test('ignore_empty skips the rule for an empty (or absent) value', async (t) => {
  const T = 'envoy.extensions.geoip_providers.common.v3.CommonGeoipProviderConfig.GeolocationHeadersToAdd';
  t.equal(validateMessage(types, T, { country: '' }).ok, true);
  t.equal(validateMessage(types, T, {}).ok, true);
  t.match(validateMessage(types, T, { country: 'x y' }).errors, [{ kind: 'PGV', path: 'country' }]);
});
