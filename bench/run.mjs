// `npm run bench [-- [--record] [name ...]]`: run bench/*.bench.mjs (all, or those whose file name contains a
// name), print a table, and write bench/results.json and bench/last-run.md (untracked). `--record` also
// rewrites the committed bench/RESULTS.md on purpose: a full run replaces it, a partial run replaces (or
// adds) its own section. Benchmarks report; they never fail the run on a missed target.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { root } from './lib.mjs';

const record = process.argv.includes('--record');
const only = process.argv.slice(2).filter((a) => a !== '--record');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' / ');
// Noise matters more than speed here: record what the machine was and how busy it was, before and after.
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
const loadAtStart = load();
const started = new Date().toISOString();
const files = readdirSync(`${root}bench`).filter((f) => f.endsWith('.bench.mjs') && (only.length === 0 || only.some((o) => f.includes(o)))).sort();
const results = [];
for (const file of files) {
  const t0 = Date.now();
  try {
    const { default: run } = await import(`./${file}`);
    for (const r of await run()) results.push({ file, seconds: (Date.now() - t0) / 1000, ...r });
  } catch (e) {
    results.push({ file, name: file, error: e.message });
  }
  console.error(`${file}: ${((Date.now() - t0) / 1000).toFixed(1)} s, load average ${load()}`);
}
const loadAtEnd = load();

// A constant (a debounce, a back-off) is not a baseline: its cell says so.
const baselineCell = (r) => (r.constant ? `target (constant): ${r.baseline} ${r.unit}, ${r.baselineName}` : `${r.baseline} ${r.unit} (${r.baselineName})`);
const rows = results.map((r) =>
  r.error
    ? `| ${r.name} | error: ${r.error} | | | | |`
    : `| ${r.name}${r.note ? `; ${r.note}` : ''} | ${r.value} ${r.unit} | ${baselineCell(r)} | ${r.ratio}× | ${r.target} | ${r.met ? 'met' : 'missed'} |`,
);
const table = ['| benchmark | value | baseline (same run) | ratio | target | |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
const context = `Measured ${started} on ${process.platform}/${process.arch}, node ${process.version}: ${machine}; load average (1 / 5 / 15 min) ${loadAtStart} at start, ${loadAtEnd} at the end.`;
const title = only.length ? `\`node bench/run.mjs ${only.join(' ')}\`` : 'Benchmark results';
writeFileSync(`${root}bench/results.json`, `${JSON.stringify({ started, node: process.version, machine, loadAtStart, loadAtEnd, results }, null, 2)}\n`);
writeFileSync(`${root}bench/last-run.md`, `# ${title}\n\n${context}\n\n${table}\n`);

if (record) {
  const md = `${root}bench/RESULTS.md`;
  if (only.length === 0 || !existsSync(md)) {
    const header = `# Benchmark results\n\n${context}\nEvery figure is a ratio against a baseline measured in the same run (a constant is labelled "target (constant)"). \`npm run bench -- --record\` rewrites this file; \`npm run bench\` alone writes the untracked bench/last-run.md and bench/results.json. What each row compares: bench/*.bench.mjs and the README's Development section.\n\n`;
    writeFileSync(md, `${header}${table}\n`);
  } else {
    // A partial run recorded: its table becomes a section of its own, replacing that section from an earlier run.
    const heading = `## ${title}`;
    const section = `${heading}\n\n${context}\n\n${table}\n`;
    const old = readFileSync(md, 'utf8');
    const at = old.indexOf(`${heading}\n`);
    const next = at < 0 ? -1 : old.indexOf('\n## ', at + heading.length);
    writeFileSync(md, at < 0 ? `${old.trimEnd()}\n\n${section}` : `${old.slice(0, at)}${section}${next < 0 ? '' : old.slice(next)}`);
  }
}
console.log(table);
console.log(`\n${context}${record ? '\nRecorded in bench/RESULTS.md.' : '\nWritten to bench/last-run.md and bench/results.json (untracked); --record updates bench/RESULTS.md.'}`);
