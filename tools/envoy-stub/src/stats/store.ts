// Counters, gauges and text readouts with Envoy's names, plus the tag-extracted name and tags
// Prometheus output needs. A stat is "used" once written, which is what ?usedonly filters on.

export type StatKind = 'counter' | 'gauge' | 'text';

export interface Stat {
  readonly name: string;
  readonly kind: StatKind;
  /** The name with tag values removed, e.g. "listener.downstream_cx_active". */
  readonly tagExtractedName: string;
  readonly tags: readonly (readonly [string, string])[];
  value: number | string;
  used: boolean;
}

/** How a name splits into tags: a prefix, then one dotted segment that is the tag value. */
interface TagRule {
  readonly prefix: string;
  readonly tag: string;
  /** Does the tag value run up to the last dot (listener addresses contain dots)? */
  readonly greedy: boolean;
}

const TAG_RULES: readonly TagRule[] = [
  { prefix: 'listener.', tag: 'envoy_listener_address', greedy: true },
  { prefix: 'http.', tag: 'envoy_http_conn_manager_prefix', greedy: false },
  { prefix: 'cluster.', tag: 'envoy_cluster_name', greedy: false },
];

type Extracted = { extracted: string; tags: [string, string][] };

/** `…downstream_rq_2xx` → `…downstream_rq_xx` with envoy_response_code_class="2", listed first, as Envoy 1.40 does. */
function withCodeClass(e: Extracted): Extracted {
  const m = /^(.*_)([1-5])xx$/.exec(e.extracted);
  return m ? { extracted: `${m[1]}xx`, tags: [['envoy_response_code_class', m[2]!], ...e.tags] } : e;
}

function extractTags(name: string, knownValues: ReadonlySet<string>): Extracted {
  return withCodeClass(extractScope(name, knownValues));
}

function extractScope(name: string, knownValues: ReadonlySet<string>): Extracted {
  for (const rule of TAG_RULES) {
    if (!name.startsWith(rule.prefix)) continue;
    const rest = name.slice(rule.prefix.length);
    // Prefer a registered value (listener addresses and cluster names may contain dots).
    const value = [...knownValues].filter((v) => rest.startsWith(`${v}.`)).sort((a, b) => b.length - a.length)[0]
      ?? (rule.greedy ? rest.slice(0, rest.lastIndexOf('.')) : rest.slice(0, rest.indexOf('.')));
    if (!value || (rule.tag === 'envoy_listener_address' && (value === 'admin' || value.startsWith('admin.')))) {
      // listener.admin.* keeps its name: Envoy's address regex does not match "admin".
      return { extracted: name, tags: [] };
    }
    const extracted = `${rule.prefix}${rest.slice(value.length + 1)}`;
    // listener.<addr>.worker_<n>.x → listener.worker.x with the worker id as a tag, first (as Envoy lists it).
    const worker = rule.prefix === 'listener.' ? /^listener\.worker_(\d+)\.(.*)$/.exec(extracted) : null;
    if (worker) return { extracted: `listener.worker.${worker[2]}`, tags: [['envoy_worker_id', worker[1]!], [rule.tag, value]] };
    return { extracted, tags: [[rule.tag, value]] };
  }
  return { extracted: name, tags: [] };
}

export class StatsStore {
  private readonly stats = new Map<string, Stat>();
  private readonly tagValues = new Set<string>();

  private readonly universalTags: readonly (readonly [string, string])[];

  constructor(universalTags: readonly (readonly [string, string])[] = []) {
    this.universalTags = universalTags;
  }

  /** Registers a tag value (listener address, cluster name) so names split at the right dot. */
  registerTagValue(value: string): void {
    this.tagValues.add(value);
  }

  private get(name: string, kind: StatKind): Stat {
    let stat = this.stats.get(name);
    if (!stat) {
      const { extracted, tags } = extractTags(name, this.tagValues);
      stat = { name, kind, tagExtractedName: extracted, tags: [...tags, ...this.universalTags], value: kind === 'text' ? '' : 0, used: false };
      this.stats.set(name, stat);
    }
    return stat;
  }

  counter(name: string): void {
    this.get(name, 'counter');
  }

  gauge(name: string): void {
    this.get(name, 'gauge');
  }

  inc(name: string, by = 1): void {
    const s = this.get(name, 'counter');
    s.value = (s.value as number) + by;
    s.used = true;
  }

  set(name: string, value: number): void {
    const s = this.get(name, 'gauge');
    s.value = value;
    s.used = true;
  }

  add(name: string, delta: number): void {
    const s = this.get(name, 'gauge');
    s.value = (s.value as number) + delta;
    s.used = true;
  }

  setText(name: string, value: string): void {
    const s = this.get(name, 'text');
    s.value = value;
    s.used = true;
  }

  value(name: string): number | string | undefined {
    return this.stats.get(name)?.value;
  }

  /** Zeroes every counter (POST /reset_counters). */
  resetCounters(): void {
    for (const s of this.stats.values()) if (s.kind === 'counter') s.value = 0;
  }

  all(): Stat[] {
    return [...this.stats.values()];
  }
}
