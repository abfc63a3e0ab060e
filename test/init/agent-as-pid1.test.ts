import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { listProcesses } from '../../src/init/proc-stat.js';
import { stubBin } from '../helpers/agent.js';
import { pidNamespaceWrapper } from '../helpers/pid-namespace.js';
import { startAgent } from '../helpers/running-agent.js';
import { waitFor } from '../helpers/net.js';

// Black box: the real bin/pilot-agent as PID 1 of a pid namespace, envoy-stub leaving 20 orphans
// (ENVOY_STUB_GRANDCHILDREN, tools/envoy-stub/src/faults/grandchildren.ts) that are re-parented to the agent.
// A sampler on the host watches the agent's zombie children the whole time.
const ORPHANS = 20;
const LINGER_LIMIT_MS = 1_000;

/** The pid a host process has inside its own (innermost) pid namespace, from the NSpid line. */
function namespacePid(hostPid: number): number | undefined {
  try {
    const line = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${hostPid}/status`, 'utf8'))?.[1];
    return line ? Number(line.trim().split(/\s+/).at(-1)) : undefined;
  } catch {
    return undefined;
  }
}

/** Host pids of every process below `root`. */
function below(root: number): number[] {
  const procs = listProcesses();
  const out: number[] = [];
  for (let frontier = [root]; frontier.length > 0; ) {
    const next = procs.filter((p) => frontier.includes(p.ppid)).map((p) => p.pid);
    out.push(...next);
    frontier = next;
  }
  return out;
}

t.test('as PID 1 the agent reaps the orphans envoy leaves, and exits 0 on SIGTERM', async (t) => {
  t.ok(existsSync(stubBin), 'tools/envoy-stub/bin/envoy-stub exists');
  const agent = await startAgent(t, {
    wrapper: pidNamespaceWrapper,
    env: { ENVOY_STUB_GRANDCHILDREN: String(ORPHANS), ENVOY_STUB_GRANDCHILD_LIFETIME_MS: '200' },
  });
  await agent.waitForMsg('envoy is LIVE');
  const unsharePid = agent.proc.pid!;
  const agentPid = listProcesses().find((p) => p.ppid === unsharePid)!.pid;
  t.equal(namespacePid(agentPid), 1, 'the agent is PID 1 of its namespace');

  // Sample the agent's zombie children: first-seen time per zombie, longest life of any.
  const firstSeen = new Map<number, number>();
  let longestMs = 0;
  const sample = (): void => {
    const now = Date.now();
    const zombies = new Set(listProcesses().filter((p) => p.ppid === agentPid && p.state === 'Z').map((p) => p.pid));
    for (const pid of zombies) if (!firstSeen.has(pid)) firstSeen.set(pid, now);
    for (const [pid, since] of firstSeen) {
      longestMs = Math.max(longestMs, now - since);
      if (!zombies.has(pid)) firstSeen.delete(pid);
    }
  };
  const sampler = setInterval(sample, 20);
  t.teardown(() => clearInterval(sampler));

  // The stub reports each orphan's pid (as the namespace sees it). As PID 1 nobody but the agent can
  // reap them, so once all are gone from the namespace — not even zombies — the agent reaped them.
  const orphanPids = (): number[] => agent.events().filter((e) => e.event === 'grandchild').map((e) => e.pid as number);
  await waitFor('every orphan reported', () => orphanPids().length >= ORPHANS, Infinity, 50);
  const orphans = new Set(orphanPids());
  const stillThere = (): number => below(agentPid).filter((p) => orphans.has(namespacePid(p) ?? -1)).length;
  await waitFor('every orphan reaped', () => stillThere() === 0, Infinity, 50);
  t.pass(`all ${ORPHANS} orphans were reaped while the agent ran`);
  t.equal(agent.proc.exitCode, null, 'the agent is still running');
  sample();
  process.kill(agentPid, 'SIGTERM');
  const exit = await agent.exited;
  clearInterval(sampler);
  t.same(exit, { code: 0, signal: null }, 'SIGTERM as PID 1 is handled: graceful shutdown, exit 0');
  t.ok(longestMs < LINGER_LIMIT_MS, `no zombie lingered (longest seen ${longestMs} ms, limit ${LINGER_LIMIT_MS} ms)`);
  t.notOk(listProcesses().some((p) => p.ppid === unsharePid), 'the namespace is gone');
});
