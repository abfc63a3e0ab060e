// --mode validate: "configuration '<path>' OK" and exit 0, or Envoy's error and exit 1.

import t from 'tap';
import { bootstrap, runStub, writeBootstrap } from '../../fixtures/stub/harness.js';

t.test('a good bootstrap validates without admin, hot restart or --log-path (Envoy 1.40 logs to stderr there)', async (t) => {
  const dir = t.testdir();
  const path = writeBootstrap(dir, bootstrap({ clusters: { app: [8080] }, routes: [{ prefix: '/', cluster: 'app' }] }));
  const r = await runStub(t, dir, { args: ['--mode', 'validate', '-c', path, '--log-path', `${dir}/no/such/dir/envoy.log`] });
  t.equal(r.code, 0);
  t.equal(r.stdout, `configuration '${path}' OK\n`);
});

t.test('a broken bootstrap fails validation with Envoy\'s wording', async (t) => {
  const cases: [string, unknown, RegExp][] = [
    ['syntax', '{"admin": ', /Unable to parse JSON as proto/],
    ['unknown top-level field', { ...bootstrap(), bogus: 1 }, /has unknown fields/],
    ['route to an unknown cluster', bootstrap({ routes: [{ prefix: '/', cluster: 'nowhere' }] }), /route: unknown cluster 'nowhere'/],
    ['hostname in a STATIC cluster', (() => {
      const b = bootstrap({ clusters: { app: [80] } }) as { static_resources: { clusters: { load_assignment: { endpoints: { lb_endpoints: { endpoint: { address: { socket_address: { address: string } } } }[] }[] } }[] } };
      b.static_resources.clusters[0]!.load_assignment.endpoints[0]!.lb_endpoints[0]!.endpoint.address.socket_address.address = 'localhost';
      return b;
    })(), /malformed IP address: localhost/],
    ['admin port out of range', { ...bootstrap(), admin: { address: { socket_address: { address: '127.0.0.1', port_value: 70000 } } } }, /PortValue: value must be less than or equal to 65535/],
    ['ADS without a node', { ...bootstrap(), node: {}, dynamic_resources: { ads_config: { api_type: 'GRPC' } } }, /ads: node 'id' and 'cluster' are required/],
  ];
  for (const [name, value, message] of cases) {
    const dir = t.testdir();
    const path = writeBootstrap(dir, value);
    const r = await runStub(t, dir, { args: ['--mode', 'validate', '-c', path] });
    t.equal(r.code, 1, name);
    t.match(r.stderr, /\[critical\]\[main\] \[source\/server\/config_validation\/server\.cc:\d+\] error initializing configuration/, name);
    t.match(r.stderr, message, name);
    t.equal(r.stdout, '', name);
  }
});

t.test('--config-yaml merges over the file: scalars overwrite, repeated fields append', async (t) => {
  const dir = t.testdir();
  const path = writeBootstrap(dir, bootstrap());
  const ok = await runStub(t, dir, { args: ['--mode', 'validate', '-c', path, '--config-yaml', 'node: {id: other}'] });
  t.equal(ok.code, 0);
  const withApp = writeBootstrap(t.testdir(), bootstrap({ clusters: { app: [8080] } }));
  const dup = await runStub(t, dir, {
    args: ['--mode', 'validate', '-c', withApp, '--config-yaml', JSON.stringify({ static_resources: { clusters: [{ name: 'app', type: 'STATIC' }] } })],
  });
  t.equal(dup.code, 1, 'the appended cluster duplicates the first');
  t.match(dup.stderr, /duplicate cluster 'app'/);
  const none = await runStub(t, dir, { args: ['--mode', 'validate'] });
  t.equal(none.code, 1);
  t.match(none.stderr, /At least one of --config-path or --config-yaml or Options::configProto\(\) should be non-empty/);
});

t.test('with the strict validator enabled, unknown nested fields are caught', async (t) => {
  const dir = t.testdir();
  const b = bootstrap() as { admin: { address: { socket_address: Record<string, unknown> } } };
  b.admin.address.socket_address.bogus = true;
  const path = writeBootstrap(dir, b);
  const loose = await runStub(t, dir, { args: ['--mode', 'validate', '-c', path], env: { ENVOY_STUB_STRICT: '0' } });
  t.equal(loose.code, 0, 'the structural fallback does not look that deep');
  const strict = await runStub(t, dir, { args: ['--mode', 'validate', '-c', path], env: { ENVOY_STUB_STRICT: '1' } });
  t.equal(strict.code, 1);
  t.match(strict.stderr, /no such field: 'bogus'/);
  const allowed = await runStub(t, dir, { args: ['--mode', 'validate', '-c', path, '--allow-unknown-static-fields'], env: { ENVOY_STUB_STRICT: '1' } });
  t.equal(allowed.code, 0);
});

t.test('ENVOY_STUB_FAIL_VALIDATE fails validation of a good config', async (t) => {
  const dir = t.testdir();
  const path = writeBootstrap(dir, bootstrap());
  const r = await runStub(t, dir, { args: ['--mode', 'validate', '-c', path], env: { ENVOY_STUB_FAIL_VALIDATE: 'injected failure' } });
  t.equal(r.code, 1);
  t.match(r.stderr, /error initializing configuration '.*envoy\.json': injected failure/);
});

t.test('a config error in serve mode exits 1 with the critical line and the message', async (t) => {
  const dir = t.testdir();
  const path = writeBootstrap(dir, bootstrap({ routes: [{ prefix: '/', cluster: 'nowhere' }] }));
  const r = await runStub(t, dir, { args: ['-c', path, '--disable-hot-restart'] });
  t.equal(r.code, 1);
  // Envoy 1.40's order: the reason in backquotes, then the config path.
  t.match(r.stderr, /\[critical\]\[main\] .* error `route: unknown cluster 'nowhere'` initializing config '.*'\nroute: unknown cluster 'nowhere'\n$/);
});
