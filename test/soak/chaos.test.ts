// The chaos soak of issue 9: a bounded, seeded, randomized run against the stub envoy — crashes and
// hangs of envoy, valid and invalid certificate rotations, SIGHUP/SIGUSR1 storms, probe load on the
// status port and envoy's health listener, orphans from every envoy start — ending with SIGTERM.
// SOAK_SEED replays a run, SOAK_SECONDS lengthens it (the long run: SOAK_SECONDS=600, see README).
import { existsSync } from 'node:fs';
import t from 'tap';
import { lifecycleSpans, msgs } from '../fixtures/soak/agent-log.js';
import { actionCoverage } from '../fixtures/soak/invariants/action-coverage.js';
import { checkReadiness } from '../fixtures/soak/invariants/readiness.js';
import { checkRestartBudget } from '../fixtures/soak/invariants/restart-budget.js';
import { checkRssGrowth } from '../fixtures/soak/invariants/rss-growth.js';
import { checkZombies } from '../fixtures/soak/invariants/zombies.js';
import { reportLines, writeReport, type SoakReport } from '../fixtures/soak/report.js';
import { runSoak } from '../fixtures/soak/soak-run.js';
import { readSoakSettings } from '../fixtures/soak/soak-settings.js';

const settings = readSoakSettings();

t.comment(`chaos soak seed ${settings.seed} (SOAK_SEED=${settings.seed} replays the same actions)`);

t.test(`chaos soak, seed ${settings.seed}, ${settings.chaosSeconds} s`, async (t) => {
  const run = await runSoak(t, settings);
  const { agent } = run;
  const logs = agent.logs;
  const coverage = actionCoverage(run.records, logs, agent.events());
  const readiness = checkReadiness(run.probes.readiness, lifecycleSpans(logs));
  const zombies = checkZombies(run.watch.zombies.values(), run.probes.readiness);
  const budget = checkRestartBudget(logs, settings);
  const rss = checkRssGrowth(run.watch.rss, run.chaosStart, run.chaosEnd);
  const report: SoakReport = {
    settings,
    wallSeconds: run.wallSeconds,
    coverage,
    orphans: run.orphans,
    readiness: { ...readiness, violations: readiness.violations.length },
    zombies: { ...zombies, violations: zombies.violations.length },
    rss,
    restarts: { crashes: budget.crashes, maxFailures: budget.maxFailures, resets: budget.resets, envoyStarts: agent.envoyPids().length },
    exit: { code: run.exit.code, signal: run.exit.signal, survivors: run.survivors.length },
  };
  for (const line of reportLines(report)) t.comment(line);
  writeReport(process.env.SOAK_REPORT, report, run.watch.rss);
  const seed = `(seed ${settings.seed})`;

  t.test('every kind of chaos happened and the agent noticed it', async (t) => {
    for (const [kind, n] of Object.entries(coverage.performed)) t.ok(n > 0, `${kind} performed ${n} times ${seed}`);
    t.ok(coverage.crashesSeenAsCrash > 0, `the agent logged ${coverage.crashesSeenAsCrash} of our kills as crashes, with our signal`);
    t.equal(coverage.crashesUnseen, 0, `every killed envoy's exit was logged ${seed}`);
    t.ok(coverage.hotRestarts > 0, `${coverage.hotRestarts} hot restarts completed`);
    t.same(coverage.rotationMisjudged, [], `each valid rotation applied with its leaf, each invalid one rejected ${seed}`);
    t.equal(coverage.certReloadRequests, coverage.rotationsApplied, 'invalid material never asked for a reload');
    t.ok(coverage.signalsReceived.SIGHUP >= coverage.performed.hupStorm && coverage.signalsReceived.SIGHUP <= coverage.signalsSent.SIGHUP, 'every SIGHUP storm reached the agent (bursts may merge)');
    t.ok(coverage.signalsReceived.SIGUSR1 >= coverage.performed.usr1Storm && coverage.usr1AtEnvoy > 0, 'SIGUSR1 storms reached the agent and were forwarded to envoy');
    t.ok(run.orphans.goneBeforeScrape > 0, `${run.orphans.goneBeforeScrape} orphans came and went`);
    t.ok(run.orphans.reapedTotal >= run.orphans.goneBeforeScrape, `istio_agent_zombies_reaped_total ${run.orphans.reapedTotal} counts every orphan gone before the scrape (${run.orphans.goneBeforeScrape})`);
  });

  t.test('readiness is 200 only while an epoch is LIVE and the agent is not draining', async (t) => {
    t.ok(readiness.ok > 0 && readiness.notReady > 0, `both answers were seen: ${readiness.ok} × 200, ${readiness.notReady} × not ready`);
    t.ok(readiness.duringDrain > 0, `${readiness.duringDrain} probes answered during the drain`);
    t.same(readiness.violations, [], `no 200 outside a serving state ${seed}`);
  });

  t.test('no zombie lingers', async (t) => {
    t.ok(run.watch.samples > settings.chaosSeconds, `${run.watch.samples} samples of the process tree`);
    t.same(zombies.violations, [], `no zombie survived two agent loop turns (max age seen ${zombies.maxAgeMs} ms) ${seed}`);
  });

  t.test('restarts stay within the budget, with the configured back-off', async (t) => {
    t.same(budget.problems, [], seed);
    t.ok(budget.maxFailures < settings.restartBudget, `max consecutive failures ${budget.maxFailures} < budget ${settings.restartBudget}`);
    t.same(coverage.unexplainedCrashes, [], `every failure the agent counts is a crash the chaos caused ${seed}`);
    t.same(coverage.usr1Kills, [], `no envoy was killed by a forwarded SIGUSR1 ${seed}`);
  });

  t.test("the agent's RSS does not grow across the run", async (t) => {
    t.ok(rss.earlySamples >= 5 && rss.lateSamples >= 5, 'enough samples in both windows');
    t.notOk(rss.grew, `late p75 ${rss.lateMiB.toFixed(1)} MiB ≤ ${rss.allowedMiB.toFixed(1)} MiB (early ${rss.earlyMiB.toFixed(1)} MiB) ${seed}`);
  });

  t.test('SIGTERM ends it: exit 0, nothing left behind', async (t) => {
    t.same(run.exit, { code: 0, signal: null }, seed);
    t.notOk(logs.some((l) => l.msg === msgs.gaveUp), 'the agent did not give up');
    t.notOk(existsSync(`${agent.dir}/termination-log`), 'no termination message');
    t.same(run.survivors, [], `no process outlived the agent ${seed}`);
  });
});
