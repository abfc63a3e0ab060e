// Orphan floods at the agent as PID 1: processes started inside its pid namespace that double-fork,
// so that every grandchild is re-parented to the agent. None may stay a zombie; envoy keeps running;
// SIGTERM still ends everything.
import { spawn } from 'node:child_process';
import { childrenOf, sleep } from './lib.mjs';
import { startAgent } from './agent.mjs';

function flood(nsPid, count, lifetime) {
  const script = `i=0; while [ $i -lt ${count} ]; do (sleep ${lifetime} &); i=$((i+1)); done`;
  return new Promise((resolve) => {
    const p = spawn('nsenter', ['-t', String(nsPid), '-p', '-m', '--', 'sh', '-c', script], { stdio: 'ignore' });
    p.once('exit', resolve);
    p.once('error', resolve);
  });
}

export async function attackOrphans(record) {
  const floods = { '1000 orphans, instant': [1000, 0], '1000 orphans, 0–50 ms': [1000, 0.05], '3 × 500 orphans in parallel': [500, 0.01, 3], '200 orphans living 2 s': [200, 2] };
  for (const [name, [count, lifetime, parallel = 1]] of Object.entries(floods)) {
    const agent = await startAgent('orphans', { env: { ENVOY_STUB_GRANDCHILDREN: '50', ENVOY_STUB_GRANDCHILD_LIFETIME_MS: '10' } });
    try {
      if (!(await agent.waitReady())) return record('PID-1 orphan floods', name, 'never ready');
      const init = agent.hostPid();
      await Promise.all(Array.from({ length: parallel }, () => flood(init, count, lifetime)));
      // Zombies must go: wait for the agent's children to hold none (bounded), while it stays ready.
      const end = Date.now() + 20_000;
      let zombies = -1;
      while (Date.now() < end) {
        zombies = childrenOf(init).filter((c) => c.state === 'Z').length;
        const sleeping = childrenOf(init).filter((c) => c.state !== 'Z').length;
        if (zombies === 0 && sleeping <= 2) break;
        await sleep(50);
      }
      const broken = await agent.healthy();
      const stop = await agent.stop(20_000);
      record('PID-1 orphan floods', name, broken ? `crash/hang: ${broken}` : zombies > 0 ? `${zombies} zombies left after 20 s` : stop);
    } finally {
      await agent.dispose();
    }
  }
}
