// Envoy's v3 API as shipped in @grpc/grpc-js-xds's deps/ (never copied into this repo), loaded with protobufjs.
// Only the files the server speaks or packs into Anys are loaded: the package also holds v2-era files whose
// imports do not resolve, and loading those makes protobufjs throw (see tools/envoy-stub/src/envoy-api/loader.ts).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pb from 'protobufjs';

const files = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/route/v3/route.proto',
  // Extensions that resources carry as typed_config Anys: packing one needs its type in the same root.
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
];

function includeDirs(): string[] {
  const require = createRequire(import.meta.url);
  const deps = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  const dirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(deps, d));
  // google/protobuf/descriptor.proto (imported by the validate and udpa annotations) is not in protobufjs' bundled set.
  dirs.push(path.dirname(require.resolve('protobufjs/package.json')));
  return dirs;
}

let root: pb.Root | undefined;

/** The loaded API, field names as in the .proto files (snake_case, like Envoy's JSON). Loaded once, ~0.2 s. */
export function envoyRoot(): pb.Root {
  if (root) return root;
  const dirs = includeDirs();
  const r = new pb.Root();
  r.resolvePath = (_origin, target) => dirs.map((d) => path.join(d, target)).find((p) => existsSync(p)) ?? target;
  r.loadSync(files, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

export function messageType(fullName: string): pb.Type {
  return envoyRoot().lookupType(fullName);
}
