import t from 'tap';
import { agentSignals, heldSignals, routeSignals, type AgentSignal } from '../../src/init/signals.js';

// In-process, without the guard (a test runner must stay killable): routeSignals listens only while
// routed. The guard itself is exercised as a real process in pid1-signals.test.ts.
const listenerCounts = (): number[] => agentSignals.map((s) => process.listenerCount(s));

t.test('without the guard, routing adds one listener per signal and unrouting removes them', async (t) => {
  const before = listenerCounts();
  const got: AgentSignal[] = [];
  const unroute = routeSignals((s) => got.push(s));
  t.same(listenerCounts(), before.map((n) => n + 1));
  for (const s of agentSignals) process.emit(s, s);
  t.same(got, agentSignals, 'each signal arrives under its own name');
  unroute();
  t.same(listenerCounts(), before, 'back to where we started');
  t.same(heldSignals(), [], 'nothing is held without the guard');
});

t.test('the latest route wins; unrouting it hands signals back to the one before', async (t) => {
  const before = listenerCounts();
  const outer: AgentSignal[] = [];
  const inner: AgentSignal[] = [];
  const unrouteOuter = routeSignals((s) => outer.push(s));
  const unrouteInner = routeSignals((s) => inner.push(s));
  process.emit('SIGHUP', 'SIGHUP');
  unrouteInner();
  unrouteInner(); // twice is harmless
  process.emit('SIGUSR2', 'SIGUSR2');
  unrouteOuter();
  t.same(inner, ['SIGHUP']);
  t.same(outer, ['SIGUSR2']);
  t.same(listenerCounts(), before, 'no listener left behind');
});
