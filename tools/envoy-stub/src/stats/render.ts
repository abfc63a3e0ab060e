// /stats output in Envoy's three machine formats: text ("name: value"), JSON and Prometheus.

import type { Stat } from './store.js';
import type { StatsQuery } from './query.js';

function selected(stats: readonly Stat[], q: StatsQuery): Stat[] {
  return stats
    .filter((s) => !q.usedOnly || s.used)
    .filter((s) => !q.filter || q.filter.test(s.name))
    .filter((s) => {
      switch (q.type) {
        case 'Counters': return s.kind === 'counter';
        case 'Gauges': return s.kind === 'gauge';
        case 'TextReadouts': return s.kind === 'text';
        case 'Histograms': return false;
        default: return true;
      }
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Text readouts first, then counters and gauges merged by name. */
export function renderText(stats: readonly Stat[], q: StatsQuery): string {
  const chosen = selected(stats, q);
  const texts = chosen.filter((s) => s.kind === 'text').map((s) => `${s.name}: ${JSON.stringify(s.value)}\n`);
  const numbers = chosen.filter((s) => s.kind !== 'text').map((s) => `${s.name}: ${s.value}\n`);
  return [...texts, ...numbers].join('');
}

export function renderJson(stats: readonly Stat[], q: StatsQuery): string {
  const chosen = selected(stats, q);
  const ordered = [...chosen.filter((s) => s.kind === 'text'), ...chosen.filter((s) => s.kind !== 'text')];
  return JSON.stringify({ stats: ordered.map((s) => ({ name: s.name, value: s.value })) });
}

const promName = (name: string) => `envoy_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
const promLabels = (tags: Stat['tags']) =>
  `{${tags.map(([k, v]) => `${k.replace(/[^a-zA-Z0-9_]/g, '_')}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;

/** Counters, then gauges (then text readouts if asked for), grouped under one # TYPE each. */
export function renderPrometheus(stats: readonly Stat[], q: StatsQuery): string {
  const chosen = selected(stats, { ...q, type: 'All' });
  const kinds: [Stat['kind'], string][] = [['counter', 'counter'], ['gauge', 'gauge']];
  if (q.textReadouts) kinds.push(['text', 'gauge']);
  let out = '';
  for (const [kind, promType] of kinds) {
    const groups = new Map<string, Stat[]>();
    for (const s of chosen.filter((x) => x.kind === kind)) {
      const name = promName(s.tagExtractedName);
      groups.set(name, [...(groups.get(name) ?? []), s]);
    }
    for (const name of [...groups.keys()].sort()) {
      out += `# TYPE ${name} ${promType}\n`;
      for (const s of groups.get(name)!) {
        const tags = kind === 'text' ? [...s.tags, ['text_value', String(s.value)] as const] : s.tags;
        out += `${name}${promLabels(tags)} ${kind === 'text' ? 0 : s.value}\n`;
      }
    }
  }
  return out;
}
