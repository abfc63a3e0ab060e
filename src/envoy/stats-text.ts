/**
 * Envoy's text stats (`/stats`), "name: value" per line, as a map; the first occurrence of a name wins and
 * lines that are not a number (histograms, text readouts) are left out. The one reader of that format:
 * readiness and the drain both ask envoy through it.
 */
export function parseStats(text: string): Map<string, number> {
  const stats = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const i = line.indexOf(': ');
    if (i <= 0) continue;
    const name = line.slice(0, i);
    const value = Number(line.slice(i + 2));
    if (!stats.has(name) && Number.isFinite(value)) stats.set(name, value);
  }
  return stats;
}
