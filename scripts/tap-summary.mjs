// Turns tap's closing "# { total: N, pass: N, fail: N }" into the line CI reads: "N passed, N failed".
// A run that failed without a failing assertion (coverage below threshold, a crash) counts as one failure.
import { readFileSync } from 'node:fs';

const [logPath, statusText = '0'] = process.argv.slice(2);
const text = readFileSync(logPath, 'utf8');
const summaries = [...text.matchAll(/^# \{ total: (\d+)(.*)\}\s*$/gm)];
const last = summaries.at(-1);
const count = (name) => Number(last?.[2].match(new RegExp(`${name}: (\\d+)`))?.[1] ?? 0);
const passed = count('pass');
let failed = count('fail');
if (Number(statusText) !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
