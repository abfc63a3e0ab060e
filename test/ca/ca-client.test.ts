// The CA client seen from outside: a real bin/pilot-agent (stub envoy) whose environment asks for a CA-issued
// certificate, the local CA (tools/ca-server) over TLS, and a grpc-js SDS client in envoy's place on the agent's
// socket. First certificate after CA errors (attempts counted, back-off growing), its SPIFFE identity, ROOTCA,
// rotation at the grace period pushed on the open stream without a new epoch; and a CA that is down at start.
import { createPublicKey, X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import t, { type Test } from 'tap';
import { fakeServiceAccountToken, makeCaPki, startCaServer } from '../../tools/ca-server/src/index.js';
import { caAgentArgs, caPod } from '../helpers/ca-pod.js';
import { freePort, waitFor } from '../helpers/net.js';
import { startAgent, type RunningAgent } from '../helpers/running-agent.js';
import { sdsClient, secretPems } from '../helpers/sds-client.js';

const token = fakeServiceAccountToken('test', 'app');

/** The agent with the CA client on, its pod files holding the right token and `rootPem`. */
function startWithCa(t: Test, caPort: number, rootPem: string, env: Record<string, string> = {}): Promise<RunningAgent> {
  const pod = caPod(t, caPort, env);
  pod.writeToken(token);
  pod.writeRoot(rootPem);
  return startAgent(t, { args: caAgentArgs, env: pod.env });
}

const leafOf = (pem: string): X509Certificate => new X509Certificate(pem);

t.test('after CA errors with back-off, the CA-issued certificate is served as default and ROOTCA, then rotated at the grace period', async (t) => {
  const ca = await startCaServer({ token });
  t.teardown(() => ca.close());
  ca.failNext(2, grpc.status.RESOURCE_EXHAUSTED, 'too many requests');
  const agent = await startWithCa(t, ca.port, ca.rootPem, { SECRET_TTL: '4s', SECRET_GRACE_PERIOD_RATIO: '0.5' });
  await agent.waitForMsg('SDS server listening');
  const workload = sdsClient(t, `${agent.configPath}/SDS`);
  workload.subscribe(['default']);
  const first = await workload.response(1);
  const pems = secretPems(first);
  const leaf = leafOf(pems.default!);
  t.equal(leaf.subjectAltName, 'URI:spiffe://cluster.local/ns/test/sa/app', 'the SPIFFE identity of the token');
  t.match(pems['default.key'], /^-----BEGIN RSA PRIVATE KEY-----/);
  t.ok(createPublicKey(pems['default.key']!).equals(leaf.publicKey), 'the key served is the certificate\'s');
  t.ok(pems.default!.endsWith(`${ca.rootPem.trim()}\n`), 'the chain served includes the root, as 1.5 served it');

  t.same(ca.requests.slice(0, 3).map((r) => r.answer), ['RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED', 'OK'], 'two refusals, then the certificate');
  t.match(ca.requests[2], { authorization: `Bearer ${token}`, csrSans: ['url:spiffe://cluster.local/ns/test/sa/app'], validitySeconds: 4 });
  const retries = agent.logs.filter((l) => l.msg === 'CA certificate request failed; retrying');
  t.same(retries.map((l) => l.failures), [1, 2]);
  t.match(retries[0]!.reason, /RESOURCE_EXHAUSTED: too many requests/);
  const [d1, d2] = retries.map((l) => l.retryInMs as number);
  t.ok(d1! >= 125 && d1! <= 250 && d2! >= 250 && d2! <= 500, `jittered back-off within doubling ceilings: ${d1}, ${d2}`);

  const roots = sdsClient(t, `${agent.configPath}/SDS`);
  roots.subscribe(['ROOTCA']);
  t.equal(secretPems(await roots.response(1)).ROOTCA!.trim(), ca.rootPem.trim(), 'ROOTCA is the last element of cert_chain');

  // Rotation: at half of the 4 s lifetime a new certificate is pushed on the stream already open.
  workload.ack(first, ['default']);
  const second = await workload.response(2);
  const rotated = leafOf(secretPems(second).default!);
  t.not(rotated.serialNumber, leaf.serialNumber, 'a new certificate');
  t.not(second.version_info, first.version_info);
  t.ok(Date.parse(rotated.validTo) > Date.parse(leaf.validTo));
  t.same(agent.envoyStartEpochs(), [0], 'no new epoch: the rotation went over SDS');
  t.equal((await agent.get('/healthz/ready')).status, 200);
});

t.test('a CA that is down at start keeps readiness at 503 with the reason, until it comes up', async (t) => {
  const port = await freePort();
  const day = 24 * 3_600_000;
  // The CA's keys exist before it runs: the pod's root must be the one it presents once it comes up.
  const pki = await makeCaPki({ notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + day) });
  const agent = await startWithCa(t, port, pki.rootPem);
  await agent.waitForMsg('envoy is LIVE');
  const down = await waitFor('503 with the CA reason', async () => {
    const r = await agent.get('/healthz/ready');
    return r.status === 503 && /no workload certificate yet: CA localhost:\d+ answered UNAVAILABLE/.test(r.body) ? r : undefined;
  });
  t.match(down.body, /UNAVAILABLE/);
  const ca = await startCaServer({ token, port, pki });
  t.teardown(() => ca.close());
  await agent.waitForMsg('workload certificate issued by the CA', 1, 60_000);
  await waitFor('ready', async () => (await agent.get('/healthz/ready')).status === 200);
  t.same(ca.requests.map((r) => r.answer), ['OK'], 'one request once the CA is up');
});
