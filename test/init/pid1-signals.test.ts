import t from 'tap';
import { agentSignals } from '../../src/init/signals.js';
import { reaperModes, runFixture, type FixtureRun } from '../helpers/pid-namespace.js';

const count = (run: FixtureRun, key: string, signal: string): number => run.lines.filter((l) => l[key] === signal).length;

// As PID 1 a signal without a listener is dropped, and SIGUSR1 without one opens the inspector on
// 9229. The guard listens from the first import: signals are held until a command routes them,
// then replayed; once routed, each one reaches the handler. Sent from the host, as a runtime would.
for (const mode of reaperModes) {
  t.test(`${mode}: every agent signal reaches its handler, and SIGUSR1 never opens the inspector`, async (t) => {
    const run = runFixture(t, 'signals.mjs', mode);
    t.match(await run.waitFor((l) => l.ready === true), { mode });
    const pid = run.hostPid();

    for (const signal of agentSignals) {
      process.kill(pid, signal);
      await run.waitFor((l) => l.held === signal);
    }
    t.pass('before routing, every signal was received and held');

    run.send('route');
    for (const signal of agentSignals) await run.waitFor((l) => l.handled === signal);
    t.pass('the held signals were replayed to the route');

    for (const signal of agentSignals) {
      process.kill(pid, signal);
      await run.waitFor((l) => count(run, 'handled', signal) === 2);
    }
    t.pass('once routed, each signal reached the handler');
    for (const signal of agentSignals) {
      t.equal(count(run, 'held', signal), 1, `${signal}: held once, before routing`);
      t.equal(count(run, 'handled', signal), 2, `${signal}: handled once replayed, once live`);
    }

    run.send('finish');
    t.same(await run.waitFor((l) => 'inspectorUrl' in l), { inspectorUrl: null }, 'the inspector was never opened');
    t.equal(await run.exited, 0, 'still alive after SIGTERM, SIGINT and SIGQUIT: it exits only when told');
  });
}
