// The live heap of a Node process started with --inspect: a full GC through the Chrome DevTools protocol, then
// V8's used heap size. Unlike RSS (the heap as the GC last happened to leave it), this is what the process keeps.
import { request } from './net.js';

/** Used V8 heap in bytes right after a full garbage collection. */
export async function heapAfterGc(inspectPort: number): Promise<number> {
  const targets = JSON.parse((await request(`http://127.0.0.1:${inspectPort}/json/list`, 'GET', {}, 5_000)).body) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  const replies = new Map<number, (result: Record<string, unknown>) => void>();
  ws.addEventListener('message', (m) => {
    const msg = JSON.parse(String(m.data)) as { id?: number; result?: Record<string, unknown> };
    if (msg.id !== undefined) replies.get(msg.id)?.(msg.result ?? {});
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error('cannot reach the inspector')), { once: true });
  });
  let id = 0;
  const call = (method: string): Promise<Record<string, unknown>> =>
    new Promise((resolve) => {
      replies.set(++id, resolve);
      ws.send(JSON.stringify({ id, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    return (await call('Runtime.getHeapUsage')).usedSize as number;
  } finally {
    ws.close();
  }
}
