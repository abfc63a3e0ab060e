// "The agent's RSS does not grow across the run". RSS moves with the garbage collector, so single
// samples mean little: compare the median of a window after warm-up (JIT, heap sizing, first
// restarts) with the median of the last quarter of the chaos, and allow a fixed slack plus a share.
import type { RssSample } from '../process-watch.js';

export interface RssVerdict {
  readonly earlyMiB: number;
  readonly lateMiB: number;
  readonly allowedMiB: number;
  readonly earlySamples: number;
  readonly lateSamples: number;
  readonly grew: boolean;
}

const MiB = 1024 * 1024;
export const rssSlackMiB = 12;
export const rssSlackShare = 0.1;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export function checkRssGrowth(samples: readonly RssSample[], chaosStart: number, chaosEnd: number): RssVerdict {
  const span = chaosEnd - chaosStart;
  const warmUp = Math.max(5_000, span * 0.15);
  const early = samples.filter((s) => s.at >= chaosStart + warmUp && s.at <= chaosStart + Math.max(warmUp + 5_000, span * 0.4)).map((s) => s.bytes / MiB);
  const late = samples.filter((s) => s.at >= chaosEnd - span * 0.25 && s.at <= chaosEnd).map((s) => s.bytes / MiB);
  const earlyMiB = median(early);
  const lateMiB = median(late);
  const allowedMiB = earlyMiB + Math.max(rssSlackMiB, earlyMiB * rssSlackShare);
  return { earlyMiB, lateMiB, allowedMiB, earlySamples: early.length, lateSamples: late.length, grew: !(lateMiB <= allowedMiB) };
}
