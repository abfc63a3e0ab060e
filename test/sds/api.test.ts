// The SDS server's slice of Envoy's API is generated from @grpc/grpc-js-xds's protos and committed: it must
// match what the installed package gives, and round-trip a Secret as Envoy reads it.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { packSecret, unpackSecret } from '../../src/sds/api.js';
import { sdsApiModule } from '../../scripts/generate-sds-api.mjs';

t.test('the committed descriptor is what scripts/generate-sds-api.mjs makes from the installed protos', async (t) => {
  const committed = readFileSync(new URL('../../src/sds/envoy-sds-api.generated.ts', import.meta.url), 'utf8');
  t.ok(committed === sdsApiModule(), 'stale: run `node scripts/generate-sds-api.mjs`');
});

t.test('a tls_certificate secret packs into an Any of Envoy\'s Secret type and back', async (t) => {
  const any = packSecret({ name: 'default', tls_certificate: { certificate_chain: { inline_bytes: Buffer.from('chain') }, private_key: { inline_bytes: Buffer.from('key') } } });
  t.equal(any.type_url, 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret');
  t.match(unpackSecret(any), { name: 'default', tls_certificate: { certificate_chain: { inline_bytes: Buffer.from('chain').toString('base64') } } });
});
