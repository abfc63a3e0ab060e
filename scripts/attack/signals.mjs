// Signal storms at a running agent (PID 1 of its namespace), and SIGTERM at the worst moments: the
// agent must keep serving through the storm and exit 0 on SIGTERM, within drain + grace.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { agentBin, childrenOf, freePort, pid1, sleep, stubBin, tempDir, cleanup } from './lib.mjs';
import { startAgent } from './agent.mjs';

const storms = {
  'SIGHUP ×50 (hot restarts)': ['SIGHUP', 50, 20],
  'SIGUSR1 ×200 (reopen logs)': ['SIGUSR1', 200, 2],
  'SIGUSR2 ×200': ['SIGUSR2', 200, 2],
  'SIGPIPE ×200': ['SIGPIPE', 200, 2],
  'SIGWINCH ×200': ['SIGWINCH', 200, 2],
  'SIGALRM ×200': ['SIGALRM', 200, 2],
  'SIGCHLD ×500': ['SIGCHLD', 500, 1],
  'SIGCONT ×200': ['SIGCONT', 200, 1],
};

export async function attackSignals(record) {
  for (const [name, [sig, count, gapMs]] of Object.entries(storms)) {
    const agent = await startAgent('signals');
    try {
      if (!(await agent.waitReady())) return record('signal storms', name, 'never ready');
      for (let i = 0; i < count && agent.running; i++) {
        agent.signal(sig);
        if (gapMs) await sleep(gapMs);
      }
      const broken = await agent.healthy();
      const stop = await agent.stop(20_000);
      record('signal storms', name, broken ? `crash/hang: ${broken}` : stop);
    } finally {
      await agent.dispose();
    }
  }
  // SIGTERM repeated during the drain, SIGINT twice, SIGTERM + SIGKILL-worthy envoy.
  for (const [name, sigs] of Object.entries({ 'SIGTERM ×20 during drain': Array(20).fill('SIGTERM'), 'SIGINT twice': ['SIGINT', 'SIGINT'], 'SIGTERM then SIGHUP ×20': ['SIGTERM', ...Array(20).fill('SIGHUP')] })) {
    const agent = await startAgent('signals');
    try {
      if (!(await agent.waitReady())) return record('signal storms', name, 'never ready');
      for (const s of sigs) {
        agent.signal(s);
        await sleep(5);
      }
      const r = await Promise.race([agent.exited, sleep(20_000).then(() => 'hang')]);
      record('signal storms', name, r === 'hang' ? 'hang' : r.code === 0 || (name === 'SIGINT twice' && r.code !== null) ? 'held' : `exit ${r.code ?? r.signal}`);
    } finally {
      await agent.dispose();
    }
  }
  // SIGTERM as early as we can send it. Before node runs any JS, node's own SIGTERM handler takes it and, as
  // PID 1, the kernel drops what that handler re-raises: no program on node can close that window. So each
  // agent run is paired with a bare node PID 1 whose first statement installs a SIGTERM listener, at the same
  // delay, alternating which goes first: the agent fails only where that baseline caught the signal.
  const delays = [0, 5, 10, 20, 30, 40, 60, 80, 120, 200];
  for (let round = 0; round < 2; round++) {
    for (const delay of delays) {
      const pair = round % 2 ? [await earlySigterm(delay, 'agent'), await earlySigterm(delay, 'bare')] : [await earlySigterm(delay, 'bare'), await earlySigterm(delay, 'agent')].reverse();
      const [agent, bare] = pair;
      const verdict = agent === 'exited' || bare !== 'exited' ? 'held' : `agent dropped it (${agent}) where bare node caught it`;
      record('signal storms', `SIGTERM ${delay} ms after spawn (PID 1), round ${round + 1}`, verdict, `agent ${agent}, bare node ${bare}`);
    }
  }
}

const bareNode = "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);";

async function earlySigterm(delayMs, who) {
  const dir = tempDir('early');
  try {
    const argv = who === 'bare' ? ['-e', bareNode] : [agentBin, 'proxy', 'sidecar', '--binaryPath', stubBin, '--configPath', `${dir}/proxy`, '--statusPort', String(await freePort()), '--proxyAdminPort', String(await freePort()),
      // A short drain, so that "did it exit" is decided in seconds; a base id of its own, so no run meets another's envoy.
      '--drainDuration', '1s', '--parentShutdownDuration', '2s', '--baseId', String(1 + Math.floor(Math.random() * 400_000_000))];
    const env = { PATH: process.env.PATH ?? '', POD_NAME: 'e-0', POD_NAMESPACE: 'e', INSTANCE_IP: '127.0.0.1', ENVOY_STATUS_PORT: String(await freePort()), ENVOY_PROMETHEUS_PORT: String(await freePort()), ENVOY_STUB_SHM_DIR: dir, ENVOY_STUB_STRICT: '0' };
    const proc = spawn(pid1[0], [...pid1.slice(1), process.execPath, ...argv], { env, stdio: 'ignore' });
    const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    // The namespace's init is unshare's child; the delay counts from its exec of node.
    let target;
    const findUntil = Date.now() + 5_000;
    while (Date.now() < findUntil) {
      target = childrenOf(proc.pid)[0]?.pid;
      if (target && isNode(target)) break;
      await new Promise((r) => setImmediate(r));
    }
    if (delayMs) await sleep(delayMs);
    if (target) process.kill(target, 'SIGTERM');
    const r = await Promise.race([exited, sleep(10_000).then(() => 'no exit within 10 s')]);
    if (r === 'no exit within 10 s') {
      proc.kill('SIGKILL');
      await exited;
      return 'no exit within 10 s';
    }
    return r.code === 0 || r.code === 143 ? 'exited' : `exit ${r.code ?? r.signal}`;
  } finally {
    cleanup(dir);
  }
}

function isNode(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(process.execPath);
  } catch {
    return false;
  }
}
