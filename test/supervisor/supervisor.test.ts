import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import t from 'tap';
import { defaultTemplateFile } from '../../src/config/build.js';
import { alive, startAgent } from '../helpers/running-agent.js';
import { waitFor } from '../helpers/net.js';

const starts = (events: Record<string, unknown>[]): number[] =>
  events.filter((e) => e.event === 'start' && e.mode !== 'validate').map((e) => e.restartEpoch as number);

t.test('restarts a crashed envoy at epoch 0: readiness 503 at once, then LIVE again', async (t) => {
  const agent = await startAgent(t, {
    env: { ENVOY_STUB_CRASH_AFTER_MS: '400', ENVOY_STUB_CRASH_FIRST_STARTS: '1', ENVOY_STUB_CRASH_EXIT_CODE: '3', ENVOY_RESTART_BACKOFF: '1s' },
  });
  const crash = await agent.waitForMsg('envoy exited unexpectedly');
  t.match(crash, { epoch: 0, code: 3, failures: 1 });
  t.same(await agent.get('/healthz/ready'), { status: 503, body: 'envoy not running\n' });
  await agent.waitForMsg('envoy is LIVE', crash.msg ? agent.logs.filter((l) => l.msg === 'envoy is LIVE').length + 1 : 1);
  t.equal((await agent.get('/healthz/ready')).status, 200);
  t.same(starts(agent.events()), [0, 0], 'both starts at epoch 0');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('gives up on a crash-looping envoy: exit 1 and a termination message', async (t) => {
  const agent = await startAgent(t, {
    args: ['--proxyLogLevel', 'info'],
    env: { ENVOY_STUB_CRASH_AFTER_MS: '50', ENVOY_STUB_CRASH_SIGNAL: 'SIGKILL', ENVOY_RESTART_BUDGET: '3', ENVOY_RESTART_BACKOFF: '50ms' },
  });
  t.equal((await agent.exited).code, 1);
  t.same(starts(agent.events()), [0, 0, 0], `three failed starts, all at epoch 0 (stderr: ${agent.stderr.slice(-400)}; last log: ${JSON.stringify(agent.logs.slice(-3))})`);
  const message = readFileSync(`${agent.dir}/termination-log`, 'utf8');
  t.match(message, /^envoy \(epoch 0\) was killed by SIGKILL \(possibly out of memory: check the container memory limit\); gave up after 3 consecutive failed starts\./);
  t.match(message, /last envoy stderr lines:\n.*initializing epoch 0/);
  t.ok(agent.logs.some((l) => l.msg.startsWith('envoy keeps failing')), 'the same text is logged');
});

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
  t.same(starts(agent.events()), [0, 1, 0], 'then a cold start at epoch 0');
  t.equal((await agent.get('/healthz/ready')).status, 200);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('hot-restarts on SIGHUP with zero readiness gap and retires the old epoch', async (t) => {
  const agent = await startAgent(t, { drain: '1s', parentShutdown: '2s' });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGHUP');
  let probes = 0;
  let failures = 0;
  const done = agent.waitForMsg('previous envoy epoch exited after hot restart');
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    probes += 1;
    if ((await agent.get('/healthz/ready', 'envoy')).status !== 200) failures += 1;
  }
  t.ok(probes > 5, `probed readiness through envoy ${probes} times`);
  t.equal(failures, 0, 'never unready during the hot restart');
  t.same(starts(agent.events()), [0, 1]);
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
  t.same(starts(agent.events()), [0], `one envoy, never restarted: ${JSON.stringify(agent.logs.filter((l) => l.level !== 'info' && l.level !== 'debug').slice(0, 6))}`);
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

t.test('SIGTERM while envoy is still starting stops it and exits 0', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '60000' } });
  await agent.waitForMsg('envoy started');
  // Until the stub process has bound its admin port, the honest answer is "unreachable": wait for its
  // own word that it listens, not for a number of tries.
  await waitFor('the stub to listen on admin', () => agent.events().some((e) => e.event === 'listening' && e.name === 'admin'), Infinity);
  const probe = await agent.get('/healthz/ready');
  t.equal(probe.status, 503);
  t.match(probe.body, /^(config not received from XDS server \(is Istiod running\?\): cds updates: 0 successful|server is not live, current state is: (PRE_)?INITIALIZING)/);
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.notOk(alive(agent.envoyPids()[0]!));
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

t.test('SIGTERM during back-off exits 0 without starting envoy again', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_CRASH_AFTER_MS: '100', ENVOY_STUB_CRASH_FIRST_STARTS: '1', ENVOY_RESTART_BACKOFF: '30s' } });
  await agent.waitForMsg('backing off before restarting envoy at epoch 0');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.same(starts(agent.events()), [0]);
});

t.test('an envoy that ignores SIGTERM is killed at parentShutdownDuration', async (t) => {
  const agent = await startAgent(t, { drain: '1s', parentShutdown: '2s', env: { ENVOY_STUB_IGNORE_SIGTERM: '1' } });
  await agent.waitForMsg('envoy is LIVE');
  agent.signal('SIGTERM');
  await agent.waitForMsg('envoy still running at the shutdown deadline; killing it');
  t.equal((await agent.exited).code, 0);
  t.ok(agent.events().some((e) => e.event === 'signal' && e.signal === 'SIGTERM' && e.ignored === true), 'envoy saw and ignored SIGTERM');
  t.notOk(alive(agent.envoyPids()[0]!));
});

t.test('POST /quitquitquit shuts down gracefully; other methods are refused', async (t) => {
  const agent = await startAgent(t);
  await agent.waitForMsg('envoy is LIVE');
  t.equal((await agent.get('/quitquitquit')).status, 405);
  t.same(await agent.post('/quitquitquit'), { status: 200, body: 'OK\n' });
  await agent.waitForMsg('shutdown: draining envoy');
  t.equal((await agent.exited).code, 0);
  t.ok(agent.events().some((e) => e.event === 'admin' && String(e.path).startsWith('/drain_listeners?inboundonly&graceful')), 'envoy was asked to drain inbound listeners');
});

t.test('forwards SIGUSR1 to a LIVE envoy only: one still starting keeps running and gets none', async (t) => {
  const agent = await startAgent(t, { env: { ENVOY_STUB_LIVE_DELAY_MS: '1500' } });
  await agent.waitForMsg('envoy started');
  agent.signal('SIGUSR1');
  await agent.waitForMsg('signal not forwarded to an envoy that is not LIVE yet');
  await agent.waitForMsg('envoy is LIVE');
  const usr1AtEnvoy = (): number => agent.events().filter((e) => e.event === 'signal' && e.signal === 'SIGUSR1').length;
  t.equal(usr1AtEnvoy(), 0, 'the starting envoy was not signalled');
  t.equal(agent.envoyPids().length, 1, 'and it was never restarted');
  agent.signal('SIGUSR1');
  // Until the stub records it; the per-file timeout turns a signal never delivered into a failure.
  await waitFor('the stub to record SIGUSR1', () => usr1AtEnvoy() > 0, Infinity);
  t.equal(usr1AtEnvoy(), 1, 'the LIVE envoy got SIGUSR1 (reopen logs)');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});
