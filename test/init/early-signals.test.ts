import { readFileSync } from 'node:fs';
import t from 'tap';
import { listProcesses } from '../../src/init/proc-stat.js';
import { pidNamespaceWrapper } from '../helpers/pid-namespace.js';
import { startAgent, type RunningAgent } from '../helpers/running-agent.js';

// A SIGTERM that arrives while the agent is still loading must not be lost. Not PID 1, a signal
// without a listener kills Node (it exits either way); as PID 1 the kernel drops it and the agent
// would run on without ever shutting down: that case is the bug. Each try starts the agent and
// sends SIGTERM as early as it can.
const tries = 5;
// tap puts its process-info hook into every child's NODE_OPTIONS; that preload listens for SIGTERM
// through signal-exit, which re-raises it (dropped as PID 1) — not what runs in a pod. So without it.
const production = ['env', '-u', 'NODE_OPTIONS'] as const;

const sigCgt = (pid: number): bigint | undefined => {
  try {
    return BigInt(`0x${/^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]}`);
  } catch {
    return undefined;
  }
};
const catchesSigterm = (pid: number): boolean => ((sigCgt(pid) ?? 0n) & (1n << 14n)) !== 0n;

/** The namespace's init (unshare's child) once Node has installed its first SIGTERM handler. */
async function initOnceNodeBooting(agent: RunningAgent): Promise<number> {
  for (;;) {
    const init = listProcesses().find((p) => p.ppid === agent.proc.pid);
    // Node's own one-shot SIGTERM handler, installed before any JS runs: the earliest point at which
    // a SIGTERM to a PID 1 can be noticed at all. Before it the kernel drops the signal.
    if (init && catchesSigterm(init.pid)) return init.pid;
    if (agent.proc.exitCode !== null) throw new Error(`agent exited: ${agent.stderr}`);
    await new Promise((r) => setImmediate(r));
  }
}

t.test('a SIGTERM sent the moment the agent is spawned always ends it', async (t) => {
  for (let i = 1; i <= tries; i++) {
    const agent = await startAgent(t, { wrapper: production });
    agent.proc.once('spawn', () => agent.signal('SIGTERM'));
    const { code, signal } = await agent.exited;
    t.ok(code === 0 || signal === 'SIGTERM', `try ${i}: exited (code ${code}, signal ${signal})`);
  }
});

t.test('as PID 1, a SIGTERM sent while Node is still booting or loading the agent ends it with 0', async (t) => {
  for (let i = 1; i <= tries; i++) {
    const agent = await startAgent(t, { wrapper: [...production, ...pidNamespaceWrapper] });
    process.kill(await initOnceNodeBooting(agent), 'SIGTERM');
    t.equal((await agent.exited).code, 0, `try ${i}: the agent shut down`);
    // Held either by bin/pilot-agent's first listeners (Node still loading the agent) or, when the compile
    // cache made loading quicker than the kill, by the guard until the proxy command routed it.
    const held = agent.logs.find((l) => (l.msg === 'signal received during start-up; held until a command routes it' || l.msg === 'signal held until a command routes it') && l.signal === 'SIGTERM');
    t.ok(held, `try ${i}: the early SIGTERM was held, then acted on: ${JSON.stringify(agent.logs.map((l) => l.msg))}`);
  }
});
