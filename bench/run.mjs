// `npm run bench`: run every bench/*.bench.mjs, print a table, write bench/results.json and bench/RESULTS.md.
// Benchmarks report; they never fail the run on a missed target (tests assert, benchmarks measure).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
const measured = new Date().toISOString();
const json = `${root}bench/results.json`;
const md = `${root}bench/RESULTS.md`;
if (only && existsSync(md)) {
  // A partial run (`node bench/run.mjs <name>`) keeps the last full run: its rows are merged into results.json
  // (with this run's date and machine on each) and its table goes into a section of its own in RESULTS.md,
  // replacing that section from an earlier run of the same name. A full run rewrites both files.
  const previous = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : { results: [] };
  const kept = previous.results.filter((r) => !files.includes(r.file));
  writeFileSync(json, `${JSON.stringify({ ...previous, results: [...kept, ...results.map((r) => ({ ...r, measured, machine }))] }, null, 2)}\n`);
  const heading = `## \`node bench/run.mjs ${only}\``;
  const section = `${heading}\n\nMeasured ${measured} on ${process.platform}/${process.arch}, node ${process.version}: ${machine}.\n\n${table}\n`;
  const old = readFileSync(md, 'utf8');
  const at = old.indexOf(`${heading}\n`);
  const next = at < 0 ? -1 : old.indexOf('\n## ', at + heading.length);
  writeFileSync(md, at < 0 ? `${old.trimEnd()}\n\n${section}` : `${old.slice(0, at)}${section}${next < 0 ? '' : old.slice(next)}`);
} else {
  const header = `# Benchmark results\n\nMeasured ${measured} on ${process.platform}/${process.arch}, node ${process.version}: ${machine}.\nEvery figure is compared with a baseline measured in the same run; \`npm run bench\` regenerates this file.\n\n`;
  writeFileSync(json, `${JSON.stringify({ measured, node: process.version, machine, results }, null, 2)}\n`);
  writeFileSync(md, `${header}${table}\n`);
}
console.log(table);
