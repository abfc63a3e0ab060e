// Samples the agent's process tree on an interval: every descendant ever seen (for "nothing outlives
// the agent"), every zombie child with the reads that saw it (for "no zombie lingers"), and the
// agent's RSS (for "memory does not grow").
import { allProcesses, descendantsOf, procKey, rssBytes, type ProcEntry } from './proc-table.js';

export interface ZombieSighting {
  readonly pid: number;
  readonly comm: string;
  /** Date.now() of each read that found it a zombie child of the agent, in order. */
  readonly seenAt: number[];
}

export interface RssSample {
  readonly at: number;
  readonly bytes: number;
}

export class ProcessWatch {
  /** Every descendant of the agent ever seen, by procKey. */
  readonly descendants = new Map<string, ProcEntry>();
  readonly zombies = new Map<string, ZombieSighting>();
  readonly rss: RssSample[] = [];
  samples = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly agentPid: number) {}

  start(intervalMs: number): void {
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  sample(): void {
    const bytes = rssBytes(this.agentPid);
    if (bytes === undefined) return; // the agent is gone: nothing below it to watch any more
    this.samples += 1;
    this.rss.push({ at: Date.now(), bytes });
    for (const p of descendantsOf(this.agentPid, allProcesses())) {
      this.descendants.set(procKey(p), p);
      if (p.state !== 'Z' || p.ppid !== this.agentPid) continue;
      const z = this.zombies.get(procKey(p));
      if (z) z.seenAt.push(p.readAt);
      else this.zombies.set(procKey(p), { pid: p.pid, comm: p.comm, seenAt: [p.readAt] });
    }
  }
}
