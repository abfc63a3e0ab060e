// The few siginfo_t fields waitid() fills for a child, by byte offset. Linux lays the struct out as
// three ints (si_signo, si_errno, si_code), padding to 8 on 64-bit targets, then the _sigchld
// member of the union: si_pid, si_uid, si_status. x86-64 and arm64 agree on every offset (both are
// LP64 with the generic layout); 32-bit targets would put si_pid at 12, so we refuse them.

export interface SiginfoLayout {
  readonly size: number;
  readonly signo: number;
  readonly code: number;
  readonly pid: number;
  readonly uid: number;
  readonly status: number;
}

/** The layout of 64-bit Linux (x86-64 and arm64; kernel include/uapi/asm-generic/siginfo.h). */
export const linux64SiginfoLayout: SiginfoLayout = { size: 128, signo: 0, code: 8, pid: 16, uid: 20, status: 24 };

const layouts: Readonly<Record<string, SiginfoLayout>> = { x64: linux64SiginfoLayout, arm64: linux64SiginfoLayout };

/** The layout for a Node `process.arch`; throws for an architecture nobody has checked. */
export function siginfoLayoutFor(arch: string): SiginfoLayout {
  const layout = layouts[arch];
  if (!layout) throw new Error(`siginfo_t layout unknown for arch ${arch}; the reaper supports x64 and arm64`);
  return layout;
}

/** si_code values for SIGCHLD (asm-generic/siginfo.h). */
export const CLD_EXITED = 1;

export interface ChildInfo {
  readonly pid: number;
  readonly code: number;
  readonly status: number;
}

/** Read what waitid() wrote; pid 0 means "no child was waitable" (WNOHANG). */
export function readChildInfo(buf: Buffer, layout: SiginfoLayout): ChildInfo {
  return { pid: buf.readInt32LE(layout.pid), code: buf.readInt32LE(layout.code), status: buf.readInt32LE(layout.status) };
}
