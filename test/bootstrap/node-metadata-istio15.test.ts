// The node metadata fields istiod 1.5 and the 1.5 proxy filters read: ISTIO_VERSION (a semver istiod gates
// features on) and EXCHANGE_KEYS (what the metadata exchange filter sends to the peer).
import t from 'tap';
import { istioVersion } from '../../src/version.js';
import { runAgent, seedPodEnv } from '../helpers/agent.js';

const istio15ExchangeKeys = 'NAME,NAMESPACE,INSTANCE_IPS,LABELS,OWNER,PLATFORM_METADATA,WORKLOAD_NAME,CANONICAL_TELEMETRY_SERVICE,MESH_ID,SERVICE_ACCOUNT';

async function metadata(env: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await runAgent(['bootstrap'], { ...seedPodEnv, ...env });
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout).node.metadata;
}

t.test('ISTIO_VERSION is an Istio 1.5 release that istiod parses as a semver, not the package version', async (t) => {
  const meta = await metadata({});
  t.equal(meta.ISTIO_VERSION, istioVersion);
  t.match(meta.ISTIO_VERSION, /^1\.5\.\d+$/, 'a 1.5 patch release');
});

t.test('ISTIO_META_ISTIO_VERSION (set by the image and by injectors) overrides it', async (t) => {
  t.equal((await metadata({ ISTIO_META_ISTIO_VERSION: '1.5.4' })).ISTIO_VERSION, '1.5.4');
});

t.test('EXCHANGE_KEYS is the list Istio 1.5 sends, whatever the environment says', async (t) => {
  t.equal((await metadata({})).EXCHANGE_KEYS, istio15ExchangeKeys);
  t.equal((await metadata({ ISTIO_META_EXCHANGE_KEYS: 'NAME' })).EXCHANGE_KEYS, istio15ExchangeKeys);
});

t.test('the downward API labels file (./etc/istio/pod/labels) joins LABELS over ISTIO_METAJSON_LABELS, as in 1.5', async (t) => {
  const dir = t.testdir({ etc: { istio: { pod: { labels: 'app="productpage"\npod-template-hash="5d4f"\nversion="v2"\nistio-locality="r1.z1"\n' } } } });
  const r = await runAgent(['bootstrap'], seedPodEnv, { cwd: dir });
  t.equal(r.code, 0, r.stderr);
  const b = JSON.parse(r.stdout);
  t.same(b.node.metadata.LABELS, { app: 'productpage', version: 'v2', 'pod-template-hash': '5d4f', 'istio-locality': 'r1.z1' });
  t.same(b.node.locality, { region: 'r1', zone: 'z1' }, 'locality from the file\'s label too');
});

t.test('CANONICAL_TELEMETRY_SERVICE comes from the istioTelemetryService label, as in 1.5', async (t) => {
  const meta = await metadata({ ISTIO_METAJSON_LABELS: '{"app":"a","istioTelemetryService":"reviews"}' });
  t.equal(meta.CANONICAL_TELEMETRY_SERVICE, 'reviews');
  t.notOk('CANONICAL_TELEMETRY_SERVICE' in (await metadata({})));
});
