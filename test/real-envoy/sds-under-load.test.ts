// A TLS listener whose certificate comes from SDS keeps serving through 10 rotations under continuous load: every
// handshake and every request succeeds, and after each rotation new connections present the new certificate.
import t from 'tap';
import { setA, setB, setC } from '../fixtures/certs/pki.js';
import { waitFor } from '../helpers/net.js';
import { envoyCertSerials, httpsGet, leafSerial, startSdsAgent } from '../helpers/sds-envoy.js';

t.test('10 rotations under continuous TLS load: 0 failed handshakes, 0 failed requests', async (t) => {
  const { agent, volume, tlsPort } = await startSdsAgent(t, setA());
  const seen: string[] = [];
  const failures: string[] = [];
  let requests = 0;
  let stopped = false;
  // Two clients, each a new connection (a full handshake) per request, one after the other.
  const clients = Array.from({ length: 2 }, async () => {
    while (!stopped) {
      requests += 1;
      try {
        const r = await httpsGet(tlsPort);
        if (r.status !== 200) failures.push(`status ${r.status}`);
        seen.push(r.serial);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
  });
  const sets = [setB(), setC(), setA()];
  for (let i = 0; i < 10; i++) {
    const set = sets[i % 3]!;
    const before = seen.length;
    volume.write(set);
    await waitFor(`rotation ${i + 1} in /certs`, async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(set)), 30_000);
    const from = seen.length;
    // A connection opened after envoy took the certificate presents it.
    await waitFor(`rotation ${i + 1} on a new connection`, () => seen.length > from + 2 && seen.slice(from + 2).includes(leafSerial(set)), 30_000);
    t.ok(seen.length > before, `requests kept flowing through rotation ${i + 1}`);
  }
  stopped = true;
  await Promise.all(clients);
  t.same(failures, [], `no failed handshake or request in ${requests}`);
  t.equal(agent.envoyPids().length, 1, 'one envoy throughout');
});
