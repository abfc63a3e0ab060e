import { spawn } from 'node:child_process';
import t from 'tap';
import { CLD_EXITED, linux64SiginfoLayout, readChildInfo, siginfoLayoutFor } from '../../src/init/siginfo.js';
import { peekExitedChild, reapPid } from '../../src/init/native.js';
import { listProcesses } from '../../src/init/proc-stat.js';

t.test('x86-64 and arm64 share the 64-bit Linux siginfo_t offsets', async (t) => {
  const expected = { size: 128, signo: 0, code: 8, pid: 16, uid: 20, status: 24 };
  t.same(siginfoLayoutFor('x64'), expected, 'x86-64: si_pid at 16, si_status at 24');
  t.same(siginfoLayoutFor('arm64'), expected, 'arm64: same offsets');
  t.throws(() => siginfoLayoutFor('ia32'), /unknown for arch ia32/, '32-bit layouts (si_pid at 12) are refused');
  t.ok(['x64', 'arm64'].includes(process.arch), `the running arch (${process.arch}) is one of the checked ones`);
});

t.test('fields are read at those offsets', async (t) => {
  const buf = Buffer.alloc(128);
  buf.writeInt32LE(17, 0); // SIGCHLD
  buf.writeInt32LE(CLD_EXITED, 8);
  buf.writeInt32LE(4242, 16);
  buf.writeInt32LE(42, 24);
  t.same(readChildInfo(buf, linux64SiginfoLayout), { pid: 4242, code: CLD_EXITED, status: 42 });
});

t.test('the kernel agrees: peeking at a real exited child finds its pid and exit code, without reaping it', async (t) => {
  const child = spawn('sh', ['-c', 'exit 42'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Block the thread until it is a zombie, so libuv cannot reap it before we look.
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (listProcesses().find((p) => p.pid === child.pid)?.state !== 'Z') Atomics.wait(cell, 0, 0, 1);
  const peeked = peekExitedChild();
  t.same(peeked, { pid: child.pid, code: CLD_EXITED, status: 42 }, 'si_pid, si_code and si_status as the kernel wrote them');
  t.equal(listProcesses().find((p) => p.pid === child.pid)?.state, 'Z', 'WNOWAIT: still a zombie after the peek');
  t.equal(await exited, 42, 'libuv still reaps it and Node reports the exit code');
  // -1 (ECHILD) when this process has no other child; 0 (children, none exited) when it has, such as the
  // esbuild service the tsx loader keeps running. Either way the reaped child is not found again.
  t.ok([0, -1].includes(peekExitedChild() as number), 'no exited child left');
  t.equal(reapPid(child.pid!), undefined, 'reaping a pid that is not our child any more is a no-op');
  t.throws(() => reapPid(0), /positive pid/, 'pid 0 would mean "any child in my group": refused');
  t.throws(() => reapPid(-1), /positive pid/, 'pid -1 would mean "any child": refused');
});
