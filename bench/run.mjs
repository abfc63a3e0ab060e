// `npm run bench`: run every bench/*.bench.mjs, print a table, write bench/results.json and bench/RESULTS.md.
// Benchmarks report; they never fail the run on a missed target (tests assert, benchmarks measure).
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { root } from './lib.mjs';

const only = process.argv[2];
// Noise matters more than speed here: record what the machine was and how busy it was when the run began.
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at start`;
const files = readdirSync(`${root}bench`).filter((f) => f.endsWith('.bench.mjs') && (!only || f.includes(only))).sort();
const results = [];
for (const file of files) {
  const started = Date.now();
  try {
    const { default: run } = await import(`./${file}`);
    for (const r of await run()) results.push({ file, ...r });
  } catch (e) {
    results.push({ file, name: file, error: e.message });
  }
  console.error(`${file}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const rows = results.map((r) =>
  r.error
    ? `| ${r.name} | error: ${r.error} | | | | |`
    : `| ${r.name} | ${r.value} ${r.unit} | ${r.baseline} ${r.unit} (${r.baselineName}) | ${r.ratio}× | ${r.target} | ${r.met ? 'met' : 'missed'} |`,
);
const table = ['| benchmark | value | baseline (same run) | ratio | target | |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
const header = `# Benchmark results\n\nMeasured ${new Date().toISOString()} on ${process.platform}/${process.arch}, node ${process.version}: ${machine}.\nEvery figure is compared with a baseline measured in the same run; \`npm run bench\` regenerates this file.\n\n`;
writeFileSync(`${root}bench/results.json`, `${JSON.stringify({ measured: new Date().toISOString(), node: process.version, machine, results }, null, 2)}\n`);
writeFileSync(`${root}bench/RESULTS.md`, `${header}${table}\n`);
console.log(table);
