// "No zombie older than 1 s", made load-proof. Age is measured (last sighting minus first, a lower
// bound) and reported, but the failure condition is about order: a zombie child of the agent that
// is still there after the agent has answered two status-port requests sent one after the other,
// both after the zombie was first seen, outlived a SIGCHLD the agent had every chance to act on.
// (The SIGCHLD pass runs in the loop turn that accepts the first request; the second request is
// accepted in a later turn.) A stalled machine slows both sides equally and cannot fail it.
import type { ZombieSighting } from '../process-watch.js';
import type { Probe } from '../probe-load.js';

export interface ZombieVerdict {
  readonly sighted: number;
  /** Longest span between the first and last sighting of one zombie, ms. */
  readonly maxAgeMs: number;
  /** Zombies seen over more than 1 s (the wording); only a violation with the turn proof. */
  readonly olderThan1s: number;
  readonly violations: readonly (ZombieSighting & { readonly provenAt: number })[];
}

/** When the agent had provably run two loop turns after `t`: the answer time of the second request. */
function twoTurnsAfter(t: number, answered: readonly Probe[]): number {
  const first = answered.filter((p) => p.sentAt > t).reduce((m, p) => Math.min(m, p.answeredAt), Infinity);
  if (first === Infinity) return Infinity;
  return answered.filter((p) => p.sentAt > first).reduce((m, p) => Math.min(m, p.answeredAt), Infinity);
}

export function checkZombies(zombies: Iterable<ZombieSighting>, probes: readonly Probe[]): ZombieVerdict {
  const answered = probes.filter((p) => p.via === 'status' && p.status !== 0);
  let sighted = 0;
  let maxAgeMs = 0;
  let olderThan1s = 0;
  const violations: (ZombieSighting & { provenAt: number })[] = [];
  for (const z of zombies) {
    sighted += 1;
    const age = z.seenAt.at(-1)! - z.seenAt[0]!;
    maxAgeMs = Math.max(maxAgeMs, age);
    if (age > 1_000) olderThan1s += 1;
    if (z.seenAt.length < 2) continue;
    const provenAt = twoTurnsAfter(z.seenAt[0]!, answered);
    if (z.seenAt.some((t) => t > provenAt)) violations.push({ ...z, provenAt });
  }
  return { sighted, maxAgeMs, olderThan1s, violations };
}
