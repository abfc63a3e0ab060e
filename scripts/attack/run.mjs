// `npm run attack`: the adversarial run of issue 15, repeatable. Every case runs the real bin/pilot-agent
// (dist/), as PID 1 of its own pid namespace where it runs at all, and is judged: held, or a crash, a hang or
// a wrong exit status. Prints a table per group and a final "N held, N failed"; exits 1 if anything failed.
//   node scripts/attack/run.mjs [group ...]    groups: input http certs signals orphans (default: all)
//   ATTACK_REPORT=file.md                      also write the table as Markdown
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { attackBadInput } from './bad-input.mjs';
import { attackCerts } from './certs.mjs';
import { attackHttp } from './http.mjs';
import { attackOrphans } from './orphans.mjs';
import { attackSignals } from './signals.mjs';
import { processesMentioning } from './lib.mjs';

const groups = { input: attackBadInput, http: attackHttp, certs: attackCerts, signals: attackSignals, orphans: attackOrphans };
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(groups);
for (const g of chosen) if (!groups[g]) throw new Error(`unknown group ${g}; one of ${Object.keys(groups).join(', ')}`);

const results = [];
// ATTACK_ONLY=regex keeps the record of matching cases only (the others still run: use it to read one).
const only = process.env.ATTACK_ONLY ? new RegExp(process.env.ATTACK_ONLY) : undefined;
function record(group, name, verdict, detail) {
  if (only && !only.test(name)) return;
  results.push({ group, name, verdict, detail });
  if (verdict !== 'held' || process.env.ATTACK_VERBOSE) console.log(`${verdict === 'held' ? 'ok  ' : 'FAIL'} [${group}] ${name}: ${verdict}${detail ? ` — ${String(detail).slice(0, 200)}` : ''}`);
}

const started = Date.now();
for (const g of chosen) {
  const t0 = Date.now();
  await groups[g](record);
  console.log(`-- ${g}: ${results.filter((r) => r.group && r).length} cases so far, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

// Nothing the run started may outlive it.
const left = processesMentioning('pilot-agent-attack-');
if (left.length) {
  record('leaks', 'processes left behind', `${left.length} left: ${left.join(' ')}`);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
} else record('leaks', 'no process left behind', 'held');

const byGroup = new Map();
for (const r of results) {
  const g = byGroup.get(r.group) ?? { tried: 0, held: 0, failures: [] };
  g.tried++;
  if (r.verdict === 'held') g.held++;
  else g.failures.push(`${r.name}: ${r.verdict}`);
  byGroup.set(r.group, g);
}
const lines = ['| group | tried | held | failed |', '| --- | --- | --- | --- |'];
for (const [name, g] of byGroup) lines.push(`| ${name} | ${g.tried} | ${g.held} | ${g.tried - g.held} |`);
const held = results.filter((r) => r.verdict === 'held').length;
const failed = results.length - held;
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(`\n${lines.join('\n')}\n`);
for (const [name, g] of byGroup) for (const f of g.failures) console.log(`failed [${name}] ${f}`);
console.log(`${held} held, ${failed} failed (${results.length} cases, ${minutes} min, load ${os.loadavg()[0].toFixed(2)}, ${os.cpus().length} cpus)`);
if (process.env.ATTACK_REPORT) {
  const failures = [...byGroup].flatMap(([name, g]) => g.failures.map((f) => `- [${name}] ${f}`));
  const early = results.filter((r) => /^SIGTERM \d+ ms after spawn/.test(r.name)).map((r) => `- ${r.name}: ${r.detail}`);
  writeFileSync(process.env.ATTACK_REPORT, `${lines.join('\n')}\n\n${failures.length ? `Failures:\n${failures.join('\n')}\n\n` : ''}${early.length ? `Early SIGTERM, the agent against a bare node PID 1 at the same delay:\n${early.join('\n')}\n\n` : ''}${held} held, ${failed} failed (${results.length} cases, ${minutes} min, node ${process.version}, load ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cpus)\n`);
}
process.exitCode = failed ? 1 : 0;
