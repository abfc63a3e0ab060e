// /stats query parameters as Envoy's StatsParams reads them, with its error responses.

export type StatsFormat = 'text' | 'json' | 'prometheus' | 'html' | 'active-html';
export type StatsType = 'All' | 'Counters' | 'Gauges' | 'Histograms' | 'TextReadouts';

export interface StatsQuery {
  readonly format: StatsFormat;
  readonly usedOnly: boolean;
  readonly filter?: RegExp;
  readonly type: StatsType;
  readonly textReadouts: boolean;
}

export type QueryResult = { ok: true; query: StatsQuery } | { ok: false; status: number; body: string };

const FORMATS: readonly string[] = ['text', 'json', 'prometheus', 'html', 'active-html'];
const TYPES: readonly string[] = ['All', 'Counters', 'Gauges', 'Histograms', 'TextReadouts'];

export function parseStatsQuery(params: URLSearchParams, defaultFormat: StatsFormat): QueryResult {
  const format = params.get('format') ?? defaultFormat;
  if (!FORMATS.includes(format)) {
    return { ok: false, status: 400, body: 'usage: /stats?format=(html|active-html|json|prometheus|text)\n\n' };
  }
  const type = params.get('type') ?? 'All';
  if (!TYPES.includes(type)) return { ok: false, status: 400, body: 'invalid &type= param' };
  let filter: RegExp | undefined;
  const filterText = params.get('filter');
  if (filterText !== null && filterText !== '') {
    try {
      filter = new RegExp(filterText);
    } catch {
      return { ok: false, status: 400, body: 'Invalid re2 regex' };
    }
  }
  return {
    ok: true,
    query: {
      format: format as StatsFormat,
      usedOnly: params.has('usedonly'),
      ...(filter ? { filter } : {}),
      type: type as StatsType,
      textReadouts: params.has('text_readouts'),
    },
  };
}
