import t from 'tap';
import { descendants, listProcesses, parseProcStat, zombieChildren, type ProcStat } from '../../src/init/proc-stat.js';

t.test('comm may contain spaces and parentheses: it ends at the last ")"', async (t) => {
  t.same(parseProcStat('42 (sleep) S 1 42 42 0 -1 4194560'), { pid: 42, comm: 'sleep', state: 'S', ppid: 1 });
  t.same(parseProcStat('7 (a b) Z 3 7 7 0'), { pid: 7, comm: 'a b', state: 'Z', ppid: 3 });
  t.same(parseProcStat('9 (x) Z 5 (y)) R 12 9 9 0'), { pid: 9, comm: 'x) Z 5 (y)', state: 'R', ppid: 12 }, 'a comm faking fields');
  t.same(parseProcStat('10 ()) S 2 10'), { pid: 10, comm: ')', state: 'S', ppid: 2 });
  t.same(parseProcStat('11 () D 0 11'), { pid: 11, comm: '', state: 'D', ppid: 0 }, 'empty comm; ppid 0 for a namespace init');
});

t.test('malformed lines are rejected, not misread', async (t) => {
  for (const bad of ['', 'garbage', '(x) S 1', '12 (x)', '12 (x) S', 'x (y) S 1', '12 (x) S one']) {
    t.throws(() => parseProcStat(bad), /not a \/proc stat line/, JSON.stringify(bad));
  }
});

t.test('the live /proc parses, and includes this process with its parent', async (t) => {
  const me = listProcesses().find((p) => p.pid === process.pid);
  t.same(me && { pid: me.pid, ppid: me.ppid }, { pid: process.pid, ppid: process.ppid });
  t.same(listProcesses(t.testdir({ 'not-a-pid': {}, 12345: {} })), [], 'non-numeric and vanished entries are skipped');
});

t.test('zombie children and descendants from a snapshot', async (t) => {
  const p = (pid: number, ppid: number, state = 'S'): ProcStat => ({ pid, ppid, state, comm: 'x' });
  const procs = [p(1, 0), p(10, 1), p(11, 10, 'Z'), p(12, 10), p(13, 12, 'Z'), p(20, 1, 'Z'), p(30, 99)];
  t.same(zombieChildren(10, procs), [11]);
  t.same(zombieChildren(1, procs), [20]);
  t.same(descendants(10, procs).map((x) => x.pid).sort(), [11, 12, 13], 'children and grandchildren, zombies included');
  t.same(descendants(1, procs).map((x) => x.pid).sort(), [10, 11, 12, 13, 20], 'the whole tree below init, not the unrelated 30');
  t.same(descendants(5, [p(5, 6), p(6, 5)]).map((x) => x.pid), [6], 'a cycle in a torn snapshot terminates');
});
