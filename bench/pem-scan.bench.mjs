// Splitting a hostile PEM file: 800 KB of `-----BEGIN CERTIFICATE-----` lines with no END (what made the old
// whole-text regex quadratic: 8.6 s of blocked event loop), against a valid chain file of the same size (the
// leaf + intermediate fixture repeated), both through the parser the watcher uses, in this process.
import { readFileSync } from 'node:fs';
import { median, root } from './lib.mjs';

const sizeBytes = 800_000;
const rounds = 5;

function time(fn) {
  const t0 = performance.now();
  try {
    fn();
  } catch {
    // the hostile file is rejected: the time to say so is what is measured
  }
  return performance.now() - t0;
}

export default async function run() {
  const { parseCertificates } = await import(`${root}dist/certs/pem.js`);
  const begins = Buffer.from('-----BEGIN CERTIFICATE-----\n'.repeat(Math.ceil(sizeBytes / 28)));
  const chain = readFileSync(`${root}test/fixtures/certs/leaf-c-chain.pem`);
  const valid = Buffer.concat(Array(Math.ceil(sizeBytes / chain.length)).fill(chain));
  // The first shape stops at its second line; this one makes the split read every line before it fails.
  const scanned = Buffer.from(`${'not a certificate line, just text\n'.repeat(Math.ceil(sizeBytes / 34))}-----BEGIN CERTIFICATE-----\n`);
  const hostile = [];
  const fullScan = [];
  const baseline = [];
  for (let i = 0; i < rounds; i++) {
    hostile.push(time(() => parseCertificates(begins)));
    fullScan.push(time(() => parseCertificates(scanned)));
    baseline.push(time(() => parseCertificates(valid)));
  }
  const value = Number(median(hostile).toFixed(2));
  const base = Number(median(baseline).toFixed(2));
  return [
    {
      name: `PEM split of ${(begins.length / 1000).toFixed(0)} KB of BEGIN lines with no END (rejected), median of ${rounds}`,
      value,
      unit: 'ms',
      baseline: base,
      baselineName: `parsing a valid chain file of ${(valid.length / 1000).toFixed(0)} KB (${Math.round(valid.length / chain.length) * 2} certificates)`,
      ratio: Number((value / base).toFixed(4)),
      target: '≤ 1× (no slower than a valid file of the same size)',
      met: value <= base,
      samples: hostile.map((v) => Number(v.toFixed(2))),
    },
    {
      name: `PEM split of ${(scanned.length / 1000).toFixed(0)} KB of text lines ending in a BEGIN with no END (rejected after reading every line), median of ${rounds}`,
      value: Number(median(fullScan).toFixed(2)),
      unit: 'ms',
      baseline: base,
      baselineName: `parsing a valid chain file of ${(valid.length / 1000).toFixed(0)} KB`,
      ratio: Number((median(fullScan) / base).toFixed(4)),
      target: '≤ 1× (no slower than a valid file of the same size)',
      met: median(fullScan) <= base,
      samples: fullScan.map((v) => Number(v.toFixed(2))),
    },
  ];
}
