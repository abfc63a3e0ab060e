// The hot-restart conversation between epoch N (child) and N-1 (parent), as newline-delimited
// JSON over the domain socket. Mirrors envoy.HotRestartMessage's requests and replies.

export type ChildRequest =
  | { type: 'ShutdownAdmin' }
  | { type: 'PassListenSocket'; address: string }
  | { type: 'Stats' }
  | { type: 'DrainListeners' }
  | { type: 'Terminate' };

export type ParentReply =
  | { type: 'ShutdownAdmin'; originalStartTimeMs: number; hotRestartGeneration: number }
  | { type: 'PassListenSocket'; passed: boolean }
  | { type: 'Stats'; connections: number };

export interface Envelope<T> {
  readonly id: number;
  readonly body: T;
}
