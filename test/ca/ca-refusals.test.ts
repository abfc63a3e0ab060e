// What the agent does with pod files the CA client cannot use, one agent walking through them: an expired CA root,
// a token the CA refuses, a token that disappears. Each keeps readiness at 503 with its own reason; each fixed file
// is picked up at the next retry (both are read again at every request), and the certificate follows once all are
// right. (A token missing at start means no CA client at all, as in 1.5: test/ca/rotation.test.ts.)
import * as grpc from '@grpc/grpc-js';
import t from 'tap';
import { fakeServiceAccountToken, makeCaPki, startCaServer } from '../../tools/ca-server/src/index.js';
import { caAgentArgs, caPod } from '../helpers/ca-pod.js';
import { waitFor } from '../helpers/net.js';
import { startAgent, type RunningAgent } from '../helpers/running-agent.js';

const notReady = (agent: RunningAgent, reason: RegExp): Promise<string> =>
  waitFor(`503 matching ${reason}`, async () => {
    const r = await agent.get('/healthz/ready');
    return r.status === 503 && reason.test(r.body) ? r.body : undefined;
  });

t.test('expired CA root, refused token, token gone: 503 with each reason, then the certificate once all are right', async (t) => {
  const token = fakeServiceAccountToken('test', 'app');
  const ca = await startCaServer({ token });
  t.teardown(() => ca.close());
  const hour = 3_600_000;
  const expired = await makeCaPki({ notBefore: new Date(Date.now() - 48 * hour), notAfter: new Date(Date.now() - 24 * hour) });
  const pod = caPod(t, ca.port);
  pod.writeRoot(expired.rootPem);
  pod.writeToken(fakeServiceAccountToken('test', 'someone-else'));
  const agent = await startAgent(t, { args: caAgentArgs, env: pod.env });
  await agent.waitForMsg('envoy is LIVE');

  t.match(await notReady(agent, /expired at/), /^no workload certificate yet: CA root certificate \/.*\/root-cert\.pem expired at \d{4}-.*; the CA's serving certificate cannot be verified with it$/m);
  pod.writeRoot(ca.rootPem);
  t.match(await notReady(agent, /UNAUTHENTICATED/), /CA localhost:\d+ answered UNAUTHENTICATED: request authenticate failure/);
  pod.removeToken();
  t.match(await notReady(agent, /does not exist/), /token \(JWT_POLICY=third-party-jwt\) \/.*\/istio-token does not exist/);
  pod.writeToken(token);
  await agent.waitForMsg('workload certificate issued by the CA');
  await waitFor('ready', async () => (await agent.get('/healthz/ready')).status === 200);
  const answers = ca.requests.map((r) => r.answer);
  t.equal(answers.at(-1), 'OK');
  t.ok(answers.slice(0, -1).length > 0 && answers.slice(0, -1).every((a) => a === grpc.status[grpc.status.UNAUTHENTICATED]), 'only the refused token reached the CA before the right one');
  t.equal(agent.envoyStartEpochs().length, 1, 'envoy ran through it all in one epoch');
});
