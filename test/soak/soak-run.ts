// One soak run from start to exit: the agent against the stub with a certificate volume, the
// process watch and the probe load around the seeded chaos, the orphan evidence taken before the
// final SIGTERM, and the survivors looked for the moment the agent is gone.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Test } from 'tap';
import { sampleValue } from '../helpers/prometheus.js';
import { startAgent, type RunningAgent } from '../helpers/running-agent.js';
import { CertVolume, invalidSets, leafFingerprint, validSets } from './cert-material.js';
import type { ActionRecord, ChaosContext } from './chaos-actions.js';
import { findSurvivors, ticksNow, type Survivor } from './invariants/survivors.js';
import { probeOnce, ProbeLoad } from './probe-load.js';
import { ProcessWatch } from './process-watch.js';
import { readProc } from './proc-table.js';
import { runChaos } from './scheduler.js';
import { SeededRandom } from './seeded-random.js';
import { agentEnv, type SoakSettings } from './soak-settings.js';

export interface SoakOutcome {
  readonly agent: RunningAgent;
  readonly records: readonly ActionRecord[];
  readonly watch: ProcessWatch;
  readonly probes: ProbeLoad;
  readonly chaosStart: number;
  readonly chaosEnd: number;
  readonly orphans: { readonly spawned: number; readonly goneBeforeScrape: number; readonly reapedTotal: number };
  readonly exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null };
  readonly survivors: readonly Survivor[];
  readonly wallSeconds: number;
}

/** SOAK_LOG_DIR keeps the agent's log lines, its stderr (envoy's, copied) and the stub's events for a post-mortem. */
function keepLogs(dir: string | undefined, agent: RunningAgent): void {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/agent.jsonl`, agent.logs.map((l) => JSON.stringify(l)).join('\n'));
  writeFileSync(`${dir}/agent.stderr`, agent.stderr);
  if (existsSync(agent.eventLog)) copyFileSync(agent.eventLog, `${dir}/stub-events.jsonl`);
}

/** Orphans the stubs named; a shell killed (by a forwarded signal) before it printed the pid names none. */
const grandchildPids = (agent: RunningAgent): number[] =>
  agent.events().flatMap((e) => (e.event === 'grandchild' && typeof e.pid === 'number' && e.pid > 1 ? [e.pid] : []));

export async function runSoak(t: Test, settings: SoakSettings): Promise<SoakOutcome> {
  const began = Date.now();
  const valid = validSets();
  const volume = new CertVolume(`${t.testdir({})}/certs`);
  volume.write(valid[0]!);
  const agent = await startAgent(t, { args: ['--certDir', volume.dir], env: agentEnv(settings), drain: settings.drain, parentShutdown: settings.parentShutdown });
  const stopped = new Set<number>();
  t.teardown(() => {
    for (const pid of stopped) process.kill(pid, 'SIGCONT'); // a failed run must not leave a frozen envoy
  });
  await agent.waitForMsg('certificates loaded');
  await agent.waitForMsg('envoy is LIVE');

  const watch = new ProcessWatch(agent.proc.pid!);
  watch.start(200);
  const probes = new ProbeLoad(agent.ports);
  probes.start();
  const context: ChaosContext = {
    agent, settings, volume, valid, stopped,
    random: new SeededRandom(settings.seed),
    invalid: invalidSets(),
    appliedFingerprint: leafFingerprint(valid[0]!),
    end: Date.now() + settings.chaosSeconds * 1000,
  };
  const chaosStart = Date.now();
  const records = await runChaos(context);
  const chaosEnd = Date.now();

  // Orphans that are gone now were reaped by now, and only the agent could reap them (they were its
  // orphans from birth): read the count after looking.
  const spawned = grandchildPids(agent);
  const goneBeforeScrape = spawned.filter((pid) => readProc(pid) === undefined).length;
  const metrics = await probeOnce(agent.ports.status, '/stats/prometheus');
  const reapedTotal = sampleValue(metrics.body, 'istio_agent_zombies_reaped_total') ?? NaN;

  agent.signal('SIGTERM');
  const exit = await agent.exited;
  const ticksAtExit = ticksNow();
  watch.stop();
  const survivors = findSurvivors(watch.descendants.values(), [...agent.envoyPids(), ...grandchildPids(agent)], ticksAtExit);
  await probes.stop();
  keepLogs(process.env.SOAK_LOG_DIR, agent);
  return {
    agent, records, watch, probes, chaosStart, chaosEnd,
    orphans: { spawned: spawned.length, goneBeforeScrape, reapedTotal },
    exit, survivors,
    wallSeconds: (Date.now() - began) / 1000,
  };
}
