// The supervisor through bin/pilot-agent against the stub: hot restarts (SIGHUP, a new bootstrap), and
// every way one can go wrong while the running envoy keeps serving.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import t from 'tap';
import { defaultTemplateFile } from '../../src/config/build.js';
import { alive, startAgent } from '../helpers/running-agent.js';

t.test('keeps the parent serving when the hot-restart child dies before LIVE; the next reload restarts cold', async (t) => {
  const dir = t.testdir({});
  const template = `${dir}/template.json`;
  const good = readFileSync(defaultTemplateFile, 'utf8');
  writeFileSync(template, good);
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const agent = await startAgent(t, { args: ['--templateFile', template] });
  await agent.waitForMsg('envoy is LIVE');

  // A bootstrap that validates but cannot serve: its extra listener's port is taken.
  const broken = JSON.parse(good);
  broken.static_resources.listeners.push({ ...broken.static_resources.listeners[0], name: 'taken', address: { socket_address: { address: '127.0.0.1', port_value: (blocker.address() as { port: number }).port } } });
  writeFileSync(template, JSON.stringify(broken));
  agent.signal('SIGHUP');
  await agent.waitForMsg('hot-restart child exited before LIVE; previous epoch keeps serving, next reload restarts cold');
  t.equal((await agent.get('/healthz/ready')).status, 200, 'still ready');
  t.equal((await agent.get('/healthz/ready', 'envoy')).status, 200, "still serving: envoy's listener answers");
  t.ok(alive(agent.envoyPids()[0]!), 'epoch 0 still runs');

  writeFileSync(template, good);
  agent.signal('SIGHUP');
  await agent.waitForMsg('envoy is LIVE', 2);
  t.same(agent.envoyStartEpochs(), [0, 1, 0], 'then a cold start at epoch 0');
  t.equal((await agent.get('/healthz/ready')).status, 200);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('hot-restarts on SIGHUP with zero readiness gap and retires the old epoch', async (t) => {
  const agent = await startAgent(t, { drain: '1s', parentShutdown: '2s' });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGHUP');
  let probes = 0;
  const failures: string[] = [];
  const done = agent.waitForMsg('previous envoy epoch exited after hot restart');
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    probes += 1;
    const ready = await agent.get('/healthz/ready', 'envoy');
    if (ready.status !== 200) failures.push(`${ready.status} ${ready.body.trim().slice(0, 200)}`);
  }
  t.ok(probes > 5, `probed readiness through envoy ${probes} times`);
  t.same(failures, [], 'never unready during the hot restart');
  t.same(agent.envoyStartEpochs(), [0, 1]);
  t.notOk(alive(agent.envoyPids()[0]!), 'epoch 0 has exited');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('a bootstrap envoy rejects keeps the running envoy serving', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_FAIL_VALIDATE: 'bad listener (injected)' } });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGHUP');
  const rejected = await agent.waitForMsg('new bootstrap rejected; the running envoy keeps serving');
  t.match(rejected.reason, /envoy --mode validate failed \(1\).*bad listener \(injected\)/);
  t.equal((await agent.get('/healthz/ready')).status, 200);
  t.same(agent.envoyStartEpochs(), [0], `one envoy, never restarted: ${JSON.stringify(agent.logs.filter((l) => l.level !== 'info' && l.level !== 'debug').slice(0, 6))}`);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('a template broken at run time keeps the running envoy serving', async (t) => {
  const dir = t.testdir({});
  const template = `${dir}/template.json`;
  writeFileSync(template, readFileSync(defaultTemplateFile, 'utf8'));
  const agent = await startAgent(t, { args: ['--templateFile', template] });
  await agent.waitForMsg('envoy is LIVE');
  writeFileSync(template, '{ "node": {{ .nodeID }} }');
  agent.signal('SIGHUP');
  const rejected = await agent.waitForMsg('new bootstrap rejected; the running envoy keeps serving');
  t.match(rejected.reason, /is not JSON/);
  t.equal((await agent.get('/healthz/ready')).status, 200);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('SIGTERM during a hot restart stops both epochs and exits 0', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '1500' } });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGHUP');
  await agent.waitForMsg('envoy started', 2);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  for (const pid of agent.envoyPids()) t.notOk(alive(pid), `envoy ${pid} is gone`);
});

t.test('a LIVE parent that crashes while its hot-restart child initializes is a crash: readiness 503, the child is stopped, epoch 0 restarts', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '1500' } });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGHUP');
  await agent.waitForMsg('envoy started', 2);
  const [parent, child] = agent.envoyPids();
  process.kill(parent!, 'SIGKILL');
  const crash = await agent.waitForMsg('envoy exited unexpectedly');
  t.match(crash, { epoch: 0, signal: 'SIGKILL', failures: 1 }, 'counted as a crash of the serving epoch');
  const ready = await agent.get('/healthz/ready');
  t.equal(ready.status, 503, 'nothing serves while the child initializes');
  await agent.waitForMsg('envoy epoch stopped after the crash of the serving one');
  t.notOk(alive(child!), 'the initializing child was stopped');
  await agent.waitForMsg('envoy is LIVE', 2);
  t.same(agent.logs.filter((l) => l.msg === 'envoy started').map((l) => l.epoch), [0, 1, 0], 'started again at epoch 0');
  t.equal((await agent.get('/healthz/ready')).status, 200);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});
