// Passing a listening socket between two unrelated processes, which is how Envoy hands its
// listeners to the next epoch (SCM_RIGHTS). Node has no public API for this outside
// child_process, so this uses the same libuv "IPC pipe" bindings child_process uses. If those
// bindings are missing (a future Node), `available` is false and callers fall back to
// close-in-parent-then-rebind.

import net from 'node:net';
import { getSystemErrorName } from 'node:util';

interface PipeHandle {
  open(fd: number): number;
  connect(req: object, path: string): number;
  writeUtf8String(req: object, text: string, sendHandle?: unknown): number;
  pendingHandle?: unknown;
  fd?: number;
}

interface Bindings {
  Pipe: new (type: number) => PipeHandle;
  PipeConnectWrap: new () => { oncomplete?: (status: number) => void };
  WriteWrap: new () => { handle?: unknown; oncomplete?: (status: number) => void; async?: boolean };
  IPC: number;
}

function loadBindings(): Bindings | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): Record<string, unknown> }).binding;
    const pipe = binding('pipe_wrap') as { Pipe: Bindings['Pipe']; PipeConnectWrap: Bindings['PipeConnectWrap']; constants: { IPC: number } };
    const stream = binding('stream_wrap') as { WriteWrap: Bindings['WriteWrap'] };
    if (typeof pipe.Pipe !== 'function' || typeof stream.WriteWrap !== 'function') return undefined;
    return { Pipe: pipe.Pipe, PipeConnectWrap: pipe.PipeConnectWrap, WriteWrap: stream.WriteWrap, IPC: pipe.constants.IPC };
  } catch {
    return undefined;
  }
}

const bindings = loadBindings();
export const handlePassingAvailable = bindings !== undefined;

/** A connected unix stream socket that can also carry listen handles. */
export interface RawChannel {
  readonly socket: net.Socket;
  /** Writes `text`, attaching `handle` (a listening TCP handle) when given. */
  write(text: string, handle?: unknown): void;
  /** Handles received so far, in arrival order. */
  takeHandle(): unknown;
}

function wrap(socket: net.Socket, pipe: PipeHandle | undefined): RawChannel {
  const received: unknown[] = [];
  if (pipe) {
    // libuv attaches a received handle to the read that carried its message's first byte.
    socket.prependListener('data', () => {
      if (pipe.pendingHandle) received.push(pipe.pendingHandle);
      pipe.pendingHandle = undefined;
    });
  }
  return {
    socket,
    write(text, handle) {
      if (!pipe || !bindings || handle === undefined) {
        socket.write(text);
        return;
      }
      const req = new bindings.WriteWrap();
      req.handle = pipe;
      req.async = false;
      req.oncomplete = () => {};
      const err = pipe.writeUtf8String(req, text, handle);
      if (err < 0) socket.destroy(new Error(`handle write failed: ${err}`));
    },
    takeHandle: () => received.shift(),
  };
}

/** Server side: re-opens an accepted connection as an IPC pipe so it can send handles. */
export function adoptAccepted(accepted: net.Socket): RawChannel {
  const fd = (accepted as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (!bindings || fd === undefined || fd < 0) {
    accepted.resume();
    return wrap(accepted, undefined);
  }
  const pipe = new bindings.Pipe(bindings.IPC);
  if (pipe.open(fd) !== 0) {
    accepted.resume();
    return wrap(accepted, undefined);
  }
  // The accepted socket object is left paused and unreferenced: the IPC pipe now owns the fd.
  accepted.unref();
  const socket = new net.Socket({ handle: pipe, readable: true, writable: true } as unknown as net.SocketConstructorOpts);
  return wrap(socket, pipe);
}

/** Client side: connects as an IPC pipe; rejects with the errno name (ECONNREFUSED, ENOENT). */
export function connectChannel(path: string): Promise<RawChannel> {
  if (!bindings) {
    return new Promise((resolve, reject) => {
      const s = net.connect(path);
      s.once('connect', () => resolve(wrap(s, undefined)));
      s.once('error', (e: NodeJS.ErrnoException) => reject(Object.assign(new Error(e.code ?? e.message), { code: e.code })));
    });
  }
  const b = bindings;
  return new Promise((resolve, reject) => {
    const pipe = new b.Pipe(b.IPC);
    const req = new b.PipeConnectWrap();
    const fail = (status: number) => {
      const code = errnoName(status);
      reject(Object.assign(new Error(code), { code }));
    };
    req.oncomplete = (status: number) => {
      if (status < 0) return fail(status);
      resolve(wrap(new net.Socket({ handle: pipe, readable: true, writable: true } as unknown as net.SocketConstructorOpts), pipe));
    };
    const err = pipe.connect(req, path);
    if (err < 0) fail(err);
  });
}

function errnoName(status: number): string {
  try {
    return getSystemErrorName(status);
  } catch {
    return `E${-status}`;
  }
}
