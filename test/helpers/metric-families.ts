// Metric families of a Prometheus text exposition, read by a real parser (parse-prometheus-text-format, a port
// of prom2json), plus the checks a merged scrape must pass: Prometheus rejects a scrape that declares a family
// twice or splits its samples.
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';

export type { MetricFamily };

/** Every family in order of appearance; throws on a line that does not parse. */
export function metricFamilies(text: string): MetricFamily[] {
  return parsePrometheusTextFormat(text);
}

/**
 * Names declared by more than one `# TYPE` line, and families that show up twice in the parser's output (its
 * samples are not contiguous, or one family name is used by two sources).
 */
export function repeatedFamilies(text: string): string[] {
  const repeated = new Set<string>();
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    const name = /^# TYPE (\S+) /.exec(line)?.[1];
    if (name === undefined) continue;
    if (typed.has(name)) repeated.add(name);
    typed.add(name);
  }
  const seen = new Set<string>();
  for (const { name } of metricFamilies(text)) {
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  return [...repeated].sort();
}
