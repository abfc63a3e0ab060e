// `npm run bench`: run every bench/*.bench.mjs, print a table, write bench/results.json and bench/RESULTS.md.
// Benchmarks report; they never fail the run on a missed target (tests assert, benchmarks measure).
import { readdirSync, writeFileSync } from 'node:fs';
import { root } from './lib.mjs';

const only = process.argv[2];
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
const header = `# Benchmark results\n\nMeasured ${new Date().toISOString()} on ${process.platform}/${process.arch}, node ${process.version}. Every figure is compared with a baseline measured in the same run.\n\n`;
writeFileSync(`${root}bench/results.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${root}bench/RESULTS.md`, `${header}${table}\n`);
console.log(table);
