// The pod annotations that shape envoy's stats (sidecar.istio.io/statsInclusionPrefixes, …Suffixes,
// …Regexps, extraStatTags) reach the bootstrap as in Istio 1.5: from the downward API file kube-inject
// mounts (./etc/istio/pod/annotations, relative to the working directory as in Istio) or from
// ISTIO_METAJSON_ANNOTATIONS, where 1.5 read them.
import { mkdirSync, writeFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { loadEnvoyTypes, validateBootstrapText } from '../../tools/envoy-stub/src/envoy-api/index.js';
import { parseDownwardApi } from '../../src/config/downward-api.js';
import { runAgent, seedPodEnv } from '../helpers/agent.js';

const types = await loadEnvoyTypes();

/** A working directory with the annotations file as the downward API writes it (values quoted like Go's %q). */
function podDir(t: Test, annotations: Record<string, string>): string {
  const dir = t.testdir({});
  mkdirSync(`${dir}/etc/istio/pod`, { recursive: true });
  const lines = Object.entries(annotations).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  writeFileSync(`${dir}/etc/istio/pod/annotations`, `${lines.join('\n')}\n`);
  return dir;
}

async function bootstrap(t: Test, cwd: string, env: Record<string, string> = {}): Promise<any> {
  const r = await runAgent(['bootstrap', '--ip', '10.1.2.3'], { ...seedPodEnv, ...env }, { cwd });
  t.equal(r.code, 0, r.stderr);
  t.same(validateBootstrapText(types, r.stdout, { cliProvidesNode: true }).errors, [], 'envoy would accept it');
  return { ...JSON.parse(r.stdout), stderr: r.stderr };
}

const patterns = (b: any): object[] => b.stats_config.stats_matcher.inclusion_list.patterns;
const required = [{ prefix: 'cluster_manager' }, { prefix: 'listener_manager' }, { prefix: 'http_mixer_filter' }, { prefix: 'tcp_mixer_filter' }, { prefix: 'server' }, { prefix: 'cluster.xds-grpc' }];

t.test('the annotations file extends the inclusion list and the stats tags, in 1.5\'s order', async (t) => {
  const dir = podDir(t, {
    'sidecar.istio.io/statsInclusionPrefixes': 'prefix1,http.{pod_ip}_',
    'sidecar.istio.io/statsInclusionSuffixes': 'upstream_rq_retry,upstream_cx',
    'sidecar.istio.io/statsInclusionRegexps': 'http\\.[0-9]*\\.[0-9]*\\.[0-9]*\\.[0-9]*_8080\\.downstream_rq_time',
    'sidecar.istio.io/extraStatTags': 'dlp_status,dlp_error',
    'sidecar.istio.io/status': '{"version":"x"}',
  });
  const b = await bootstrap(t, dir);
  const ips: string[] = b.node.metadata.INSTANCE_IPS.split(',');
  t.same(patterns(b), [
    { prefix: 'reporter=' }, { prefix: 'component' },
    { prefix: 'prefix1' }, ...ips.map((ip) => ({ prefix: `http.${ip}_` })),
    ...required,
    { suffix: 'upstream_rq_retry' }, { suffix: 'upstream_cx' },
    { suffix: 'ssl_context_update_by_sds' }, { suffix: 'downstream_cx_active' },
    { safe_regex: { regex: 'http\\.[0-9]*\\.[0-9]*\\.[0-9]*\\.[0-9]*_8080\\.downstream_rq_time' } },
  ]);
  const names = b.stats_config.stats_tags.map((s: { tag_name: string }) => s.tag_name);
  const at = names.indexOf('tag');
  t.same(names.slice(at, at + 4), ['tag', 'dlp_status', 'dlp_error', 'source_canonical_service'], 'extra tags right after "tag"');
  t.same(b.stats_config.stats_tags[at + 1], { tag_name: 'dlp_status', regex: '(dlp_status=\\.=(.*?);\\.;)' });
});

t.test('{pod_ip} stands for each proxy IP: --ip first, then the interface addresses', async (t) => {
  const b = await bootstrap(t, podDir(t, { 'sidecar.istio.io/statsInclusionPrefixes': 'http.{pod_ip}_,other' }));
  const ips: string[] = b.node.metadata.INSTANCE_IPS.split(',');
  t.equal(ips[0], '10.1.2.3');
  t.same(patterns(b).slice(2, 3 + ips.length), [...ips.map((ip) => ({ prefix: `http.${ip}_` })), { prefix: 'other' }]);
});

t.test('ISTIO_METAJSON_ANNOTATIONS (where 1.5 read them) works too; the file wins', async (t) => {
  const env = { ISTIO_METAJSON_ANNOTATIONS: JSON.stringify({ 'sidecar.istio.io/statsInclusionPrefixes': 'from_env', 'sidecar.istio.io/extraStatTags': 'env_tag' }) };
  const fromEnv = await bootstrap(t, t.testdir({}), env);
  t.same(patterns(fromEnv)[2], { prefix: 'from_env' });
  t.ok(fromEnv.stats_config.stats_tags.some((s: { tag_name: string }) => s.tag_name === 'env_tag'));
  const both = await bootstrap(t, podDir(t, { 'sidecar.istio.io/statsInclusionPrefixes': 'from_file' }), env);
  t.same(patterns(both)[2], { prefix: 'from_file' });
});

t.test('without the file nothing is added; an unreadable one is a warning, not a failure', async (t) => {
  const none = await bootstrap(t, t.testdir({}));
  t.equal(patterns(none).length, 2 + required.length + 2);
  t.equal(none.stderr, '');
  const dir = t.testdir({ etc: { istio: { pod: { annotations: 'not a downward api line\n' } } } });
  const bad = await bootstrap(t, dir);
  t.equal(patterns(bad).length, 2 + required.length + 2);
  t.match(bad.stderr, /^warning: pod info file \.\/etc\/istio\/pod\/annotations ignored: line 1 is not key="value"\n$/);
});

t.test('the downward API file is read as Go quotes it', async (t) => {
  t.same(parseDownwardApi('a="x\\\\.y"\nb="q\\"uote\\n\\u00e9\\xc3\\xa9\\101"\n\n'), { a: 'x\\.y', b: 'q"uote\né\u00e9A' });
  t.throws(() => parseDownwardApi('a=b\n'), /line 1 is not key="value"/);
  t.throws(() => parseDownwardApi('a="\\q"\n'), /invalid escape/);
});
