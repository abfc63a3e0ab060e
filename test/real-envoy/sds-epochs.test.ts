// SDS across envoy processes: after a crash, epoch 0 gets the current secrets at once (not the files it started
// with); during a hot restart the parent and the child each hold their own SDS streams, and both are pushed to.
import t from 'tap';
import { setA, setB, setC } from '../fixtures/certs/pki.js';
import { alive } from '../helpers/running-agent.js';
import { waitFor } from '../helpers/net.js';
import { envoyCertSerials, envoyEpoch, httpsGet, leafSerial, startSdsAgent } from '../helpers/sds-envoy.js';

t.test('a crashed envoy comes back at epoch 0 serving the current secrets', async (t) => {
  const { agent, volume, tlsPort } = await startSdsAgent(t, setA());
  volume.write(setB());
  await waitFor('/certs to show set B', async () => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setB())), 30_000);
  const [first] = agent.envoyPids();
  process.kill(first!, 'SIGKILL');
  await agent.waitForMsg('envoy started', 2);
  await waitFor('ready again', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 60_000);
  await waitFor('the TLS listener again', () => httpsGet(tlsPort).catch(() => undefined), 30_000);
  t.equal(await envoyEpoch(agent.ports.admin), 0, 'a cold start');
  t.same(await httpsGet(tlsPort), { status: 200, serial: leafSerial(setB()) }, 'the new envoy serves set B');
  t.same(await envoyCertSerials(agent.ports.admin), [leafSerial(setB())]);
});

t.test('a hot restart in SDS mode: parent and child are both served, and both get a rotation', async (t) => {
  const { agent, volume } = await startSdsAgent(t, setA(), { drain: '30s', parentShutdown: '40s' });
  const opened = (): number[] => agent.logs.filter((l) => l.msg === 'SDS stream opened').map((l) => l.stream as number);
  const parentStreams = opened();
  t.ok(parentStreams.length > 0, 'the parent holds SDS streams');
  agent.signal('SIGHUP');
  await agent.waitForMsg('hot restart complete: new epoch is LIVE', 1, 60_000);
  const childStreams = opened().filter((id) => !parentStreams.includes(id));
  t.ok(childStreams.length > 0, 'the child opened streams of its own');
  const [parent] = agent.envoyPids();
  t.ok(alive(parent!), 'the parent still runs (draining)');
  const sentTo = (): number[] => agent.logs.filter((l) => l.msg === 'SDS secrets sent' && (l.secrets as string[]).includes('default')).map((l) => l.stream as number);
  const toParentBefore = sentTo().filter((id) => parentStreams.includes(id)).length;
  volume.write(setC());
  const gotC = async (): Promise<boolean> => (await envoyCertSerials(agent.ports.admin)).includes(leafSerial(setC()));
  await waitFor('the child to serve set C', gotC, 30_000);
  await agent.waitForMsg('certificates changed; pushing them to envoy over SDS');
  await waitFor('a push to a parent stream', () => sentTo().filter((id) => parentStreams.includes(id)).length > toParentBefore, 30_000);
  t.ok(alive(parent!), 'the parent was still running when it got set C');
  t.equal(await envoyEpoch(agent.ports.admin), 1, 'the admin port is the child\'s');
});
