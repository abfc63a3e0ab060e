// "The agent's RSS does not grow across the run". RSS is a sawtooth: it climbs to a plateau while
// the heap warms up, and every few minutes a major collection drops it by tens of MiB for a while.
// Single samples mean little; a median is pulled down by whichever window a drop lands in. The upper
// quartile of a window is its plateau, which is what a leak raises: compare that level after warm-up
// with the level in the last quarter of the chaos, with a fixed slack plus a share.
import type { RssSample } from '../process-watch.js';

export interface RssVerdict {
  /** Upper quartile of each window. */
  readonly earlyMiB: number;
  readonly lateMiB: number;
  readonly allowedMiB: number;
  readonly earlySamples: number;
  readonly lateSamples: number;
  readonly grew: boolean;
}

const MiB = 1024 * 1024;
export const rssSlackMiB = 16;
export const rssSlackShare = 0.12;

/** The q-quantile (nearest rank); NaN for no samples. */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

export function checkRssGrowth(samples: readonly RssSample[], chaosStart: number, chaosEnd: number): RssVerdict {
  const span = chaosEnd - chaosStart;
  // The climb to the plateau takes some 20 s (longer with coverage on): skip it, then take the window after it.
  const warmUp = Math.max(10_000, span * 0.25);
  const earlyEnd = chaosStart + warmUp + Math.max(5_000, span * 0.2);
  const early = samples.filter((s) => s.at >= chaosStart + warmUp && s.at <= earlyEnd).map((s) => s.bytes / MiB);
  const late = samples.filter((s) => s.at >= chaosEnd - span * 0.25 && s.at <= chaosEnd).map((s) => s.bytes / MiB);
  const earlyMiB = quantile(early, 0.75);
  const lateMiB = quantile(late, 0.75);
  const allowedMiB = earlyMiB + Math.max(rssSlackMiB, earlyMiB * rssSlackShare);
  return { earlyMiB, lateMiB, allowedMiB, earlySamples: early.length, lateSamples: late.length, grew: !(lateMiB <= allowedMiB) };
}
