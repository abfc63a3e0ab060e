// The whole native surface of the agent: prctl, waitid and waitpid from libc through koffi
// (prebuilt, no compiler). Nothing here may wait for "any child" and consume it: libuv reaps its
// own children with waitpid(<pid>) and silently loses any status someone else took.
import { createRequire } from 'node:module';
import { readChildInfo, siginfoLayoutFor, type ChildInfo } from './siginfo.js';

const PR_SET_CHILD_SUBREAPER = 36;
const PR_GET_CHILD_SUBREAPER = 37;
const P_ALL = 0;
const WNOHANG = 1;
const WEXITED = 4;
const WNOWAIT = 0x01000000;
const ECHILD = 10;
const EINTR = 4;

// Loaded and bound on first use, so a platform without koffi or libc fails in installReaper (which
// main reports and survives), not while the agent's modules load.
function bind() {
  const layout = siginfoLayoutFor(process.arch);
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const libc = koffi.load('libc.so.6');
  return {
    errno: () => koffi.errno(),
    layout,
    info: Buffer.alloc(layout.size),
    wstatus: new Int32Array(1),
    prctlSet: libc.func('int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
    prctlGet: libc.func('int prctl(int option, _Out_ int *arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
    waitid: libc.func('int waitid(int idtype, int id, _Out_ uint8_t *infop, int options)'),
    waitpid: libc.func('int waitpid(int pid, _Out_ int *wstatus, int options)'),
  };
}
let bound: ReturnType<typeof bind> | undefined;
const libc = (): ReturnType<typeof bind> => (bound ??= bind());

function fail(call: string): never {
  const errno = libc().errno();
  throw Object.assign(new Error(`${call} failed: errno ${errno}`), { errno });
}

/** Make orphaned descendants re-parent to us instead of the real init (Linux ≥ 3.4). */
export function setChildSubreaper(): void {
  if (libc().prctlSet(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) !== 0) fail('prctl(PR_SET_CHILD_SUBREAPER)');
}

export function isChildSubreaper(): boolean {
  const out = new Int32Array(1);
  if (libc().prctlGet(PR_GET_CHILD_SUBREAPER, out, 0, 0, 0) !== 0) fail('prctl(PR_GET_CHILD_SUBREAPER)');
  return out[0] !== 0;
}

/**
 * Look at one exited child without reaping it (WNOWAIT): its pid, 0 when children exist but none
 * has exited, or -1 when we have no children at all (ECHILD).
 */
export function peekExitedChild(): ChildInfo | 0 | -1 {
  const { waitid, info, layout } = libc();
  for (;;) {
    info.fill(0); // WNOHANG with nothing waitable leaves si_pid as it was; start from 0
    if (waitid(P_ALL, 0, info, WEXITED | WNOHANG | WNOWAIT) === 0) {
      const child = readChildInfo(info, layout);
      return child.pid > 0 ? child : 0;
    }
    const errno = libc().errno();
    if (errno === ECHILD) return -1;
    if (errno !== EINTR) fail('waitid');
  }
}

/** Reap exactly this pid if it has exited; returns its raw wait status, or undefined if it has not. */
export function reapPid(pid: number): number | undefined {
  if (!(pid > 0)) throw new Error(`reapPid needs a positive pid, got ${pid}`); // 0 and -1 would mean "any child"
  const { waitpid, wstatus } = libc();
  for (;;) {
    const r = waitpid(pid, wstatus, WNOHANG);
    if (r === pid) return wstatus[0]!;
    if (r === 0) return undefined;
    const errno = libc().errno();
    if (errno === ECHILD) return undefined; // not our child (any more)
    if (errno !== EINTR) fail(`waitpid(${pid})`);
  }
}

/** Decode a raw wait status the way the shell reports it: exit code, or 128 + signal. */
export function describeWaitStatus(status: number): { code: number | null; signal: number | null } {
  const sig = status & 0x7f;
  return sig === 0 ? { code: (status >> 8) & 0xff, signal: null } : { code: null, signal: sig };
}
