import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as pause } from 'node:timers/promises';
import t from 'tap';
import { defaultTemplateFile } from '../../src/config/build.js';
import { startAgent } from '../helpers/running-agent.js';

// A secret rewritten every 150 ms once caused 28 hot restarts in 20 s. Hot restarts are now rate
// limited: one in flight, one pending that absorbs every later request, and a minimum interval
// between starts. Here 40 reload requests (SIGHUP, each after a template change) arrive 150 ms apart
// within an interval of 8 s: one hot restart starts at once, the rest merge into one more.
const requests = 40;

t.test('a storm of reload requests gives a bounded number of hot restarts, ends on the final config and never turns readiness 503', async (t) => {
  const dir = t.testdir({});
  const template = `${dir}/template.json`;
  const good = readFileSync(defaultTemplateFile, 'utf8');
  const revision = (i: number): string => good.replace('"name": "global config"', `"name": "global config storm-${i}"`);
  writeFileSync(template, revision(0));
  const agent = await startAgent(t, { args: ['--templateFile', template], env: { ENVOY_HOT_RESTART_MIN_INTERVAL: '8s' } });
  await agent.waitForMsg('envoy is LIVE');

  let settled = false;
  const readiness: number[] = [];
  const probing = (async () => {
    while (!settled) {
      readiness.push((await agent.get('/healthz/ready')).status);
      await pause(20);
    }
  })();

  for (let i = 1; i <= requests; i++) {
    writeFileSync(template, revision(i));
    agent.signal('SIGHUP');
    await pause(150); // the storm's pace, not a wait for an outcome
  }

  // Wait, one completed hot restart at a time, for the epoch that runs the final template.
  const bootstrapOf = (epoch: unknown): string => {
    const args = agent.logs.filter((l) => l.msg === 'envoy started' && l.epoch === epoch).at(-1)!.args as string[];
    try {
      return readFileSync(args[args.indexOf('-c') + 1]!, 'utf8');
    } catch {
      return ''; // that epoch has been superseded and its file removed
    }
  };
  const final = `storm-${requests}"`;
  for (let n = 1; !bootstrapOf((await agent.waitForMsg('hot restart complete: new epoch is LIVE', n)).epoch).includes(final); n++);
  settled = true;
  await probing;

  const hotRestarts = agent.logs.filter((l) => l.msg === 'envoy started' && (l.epoch as number) > 0).length;
  // 3, not 2: a storm slowed past the interval by a busy machine may let one more start.
  t.ok(hotRestarts >= 2 && hotRestarts <= 3, `${requests} requests gave ${hotRestarts} hot restarts (one at once, then the merged rest)`);
  t.ok(agent.logs.some((l) => l.msg === 'minimum interval between hot restarts passed; starting the pending reload'), 'the merged requests started once the interval had passed');
  t.ok(readiness.length > 10, `readiness probed ${readiness.length} times`);
  t.same([...new Set(readiness)], [200], 'readiness stayed 200 throughout');
  agent.signal('SIGTERM');
  t.equal((await agent.exited).code, 0);
});
