// The bundled template's stats tags, applied by real Envoy 1.40: names shaped like the ones Istio 1.5's proxy
// writes come out of /stats/prometheus with Istio's labels (istio_build{component,tag}, response_code, …).
// One envoy, started directly with the agent's rendered stats tags and a few listeners whose stat prefixes
// carry those shapes (stock Envoy has no Istio stats filter to write them itself).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import t from 'tap';
import { runAgent, seedPodEnv } from '../helpers/agent.js';
import { runEnvoyConfig } from '../helpers/direct-envoy.js';
import { freePort, request, waitFor } from '../helpers/net.js';


const address = (port: number): object => ({ socket_address: { address: '127.0.0.1', port_value: port } });

/** A listener whose HTTP connection manager has `statPrefix` and routes everything to the `admin` cluster. */
function listener(name: string, port: number, statPrefix: string): object {
  return {
    name,
    address: address(port),
    filter_chains: [{
      filters: [{
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
          stat_prefix: statPrefix,
          route_config: { virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'admin' } }] }] },
          http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
        },
      }],
    }],
  };
}

t.test('real envoy labels Istio-shaped stat names with the tags of the bundled template', async (t) => {
  const rendered = await runAgent(['bootstrap'], seedPodEnv);
  t.equal(rendered.code, 0, rendered.stderr);
  const statsTags = JSON.parse(rendered.stdout).stats_config.stats_tags;

  const dir = mkdtempSync(`${tmpdir()}/stats-tags-`);
  const admin = await freePort();
  const [build, inbound, request5] = [await freePort(), await freePort(), await freePort()];
  const config = {
    node: { id: 'sidecar~127.0.0.1~tags.default~default.svc.cluster.local', cluster: 'tags' },
    admin: { address: address(admin) },
    // The rendered tags, without the inclusion list: these names are made up for the test and not on it.
    stats_config: { use_all_default_tags: false, stats_tags: statsTags },
    static_resources: {
      clusters: [{ name: 'admin', type: 'STATIC', connect_timeout: '1s', load_assignment: { cluster_name: 'admin', endpoints: [{ lb_endpoints: [{ endpoint: { address: address(admin) } }] }] } }],
      listeners: [
        // Istio's stats filter names its build gauge "component.proxy.tag.<version>;.istio_build".
        listener('build', build, 'component.proxy.tag.1.5.10;'),
        // Istio names inbound HTTP connection managers "<ip>_<port>".
        listener('inbound', inbound, '10.1.2.3_8080'),
        // Istio's request metrics carry their attributes as "<name>=.=<value>;.;".
        listener('request', request5, 'reporter=.=destination;.;response_code=.=503;.;'),
      ],
    },
  };
  const { proc, output } = runEnvoyConfig(t, dir, config, admin);
  await waitFor('envoy LIVE', async () => {
    if (proc.exitCode !== null) throw new Error(`envoy exited: ${output().slice(-800)}`);
    const r = await request(`http://127.0.0.1:${admin}/ready`).catch(() => undefined);
    return r?.status === 200;
  }, 30_000);
  // One request through the inbound listener to the admin cluster: an upstream_rq_200 to tag.
  t.equal((await request(`http://127.0.0.1:${inbound}/ready`)).status, 200);

  const prom = (await request(`http://127.0.0.1:${admin}/stats/prometheus`)).body;
  // Envoy lists labels in its own order: compare them as sets.
  const sorted = (labels: string): string => labels.split(',').sort().join(',');
  const line = (name: string, labels: string): boolean =>
    prom.split('\n').some((l) => {
      const m = /^([^{ ]+)\{(.*)\} /.exec(l);
      return m !== null && m[1]!.replace(/_+/g, '_') === name && sorted(m[2]!) === sorted(labels);
    });
  t.ok(line('envoy_http_downstream_rq_total', 'component="proxy",tag="1.5.10"'), 'component and tag, the version whole', { prom: grep(prom, 'downstream_rq_total') });
  t.ok(line('envoy_http_downstream_rq_total', 'http_conn_manager_prefix="10.1.2.3_8080"'), 'http_conn_manager_prefix');
  // 1.5's one regex "(response_code=…)|_rq(_(\\.d{3}))$" never matched Envoy's own names; with \\d it would give
  // response_code="" (Envoy reads groups 1 and 2 only). Later Istio's two regexes for the one tag work for both.
  t.ok(line('envoy_cluster_upstream_rq', 'response_code="200",cluster_name="admin"'), 'response_code of an Envoy stat', { prom: grep(prom, 'upstream_rq') });
  t.ok(line('envoy_http_downstream_rq_total', 'reporter="destination",response_code="503"'), 'response_code of an Istio request metric', { prom: grep(prom, 'downstream_rq_total') });
  t.notOk(prom.includes('response_code=""'), 'never an empty response_code');
});

function grep(text: string, part: string): string {
  return text.split('\n').filter((l) => l.includes(part)).join('\n');
}
