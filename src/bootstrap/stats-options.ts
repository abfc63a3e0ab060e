// Istio 1.5's stats options from the pod's annotations: which stats envoy keeps (the inclusion list) and
// which extra Istio attributes become tags. Each annotation is a comma-separated list; "{pod_ip}" in an
// entry stands for each proxy IP in turn ("http.{pod_ip}_" keeps the inbound listener's downstream stats).

export const statsAnnotations = {
  prefixes: 'sidecar.istio.io/statsInclusionPrefixes',
  suffixes: 'sidecar.istio.io/statsInclusionSuffixes',
  regexps: 'sidecar.istio.io/statsInclusionRegexps',
  extraTags: 'sidecar.istio.io/extraStatTags',
} as const;

export interface StatsOptions {
  /** StringMatcher objects for stats_matcher.inclusion_list.patterns. */
  readonly prefixes: readonly { prefix: string }[];
  readonly suffixes: readonly { suffix: string }[];
  readonly regexps: readonly { safe_regex: { regex: string } }[];
  /** StatsTag objects: an Istio attribute "<tag>=.=<value>;.;" as the tag <tag>. */
  readonly extraTags: readonly { tag_name: string; regex: string }[];
}

/**
 * `sources` in precedence order (the annotations file first, then ISTIO_METAJSON_ANNOTATIONS merged into the
 * node metadata, where Istio 1.5 read them): the first that has an annotation decides it.
 */
export function statsOptions(sources: readonly Readonly<Record<string, unknown>>[], ips: readonly string[]): StatsOptions {
  const list = (key: string): string[] => {
    const raw = sources.map((s) => s[key]).find((v) => typeof v === 'string') as string | undefined;
    // Istio splits on "," and keeps empty or blank entries; an empty prefix would keep every stat: dropped here.
    const entries = (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    return entries.flatMap((entry) => (entry.includes('{pod_ip}') ? [...new Set(ips)].map((ip) => entry.replaceAll('{pod_ip}', ip)) : [entry]));
  };
  return {
    prefixes: list(statsAnnotations.prefixes).map((prefix) => ({ prefix })),
    suffixes: list(statsAnnotations.suffixes).map((suffix) => ({ suffix })),
    // Envoy v3 has only RE2 regexes (1.5's v2 "regex" was std::regex); the same for the patterns people write.
    regexps: list(statsAnnotations.regexps).map((regex) => ({ safe_regex: { regex } })),
    extraTags: list(statsAnnotations.extraTags).map((tag) => ({ tag_name: tag, regex: `(${tag}=\\.=(.*?);\\.;)` })),
  };
}
