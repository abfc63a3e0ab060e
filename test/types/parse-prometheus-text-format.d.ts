// The package ships no types; this is the part the tests use (its output follows prom2json's shape).
declare module 'parse-prometheus-text-format' {
  export interface MetricFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    readonly metrics: readonly { readonly labels?: Record<string, string>; readonly value?: string }[];
  }
  /** Throws on a line that is not Prometheus text format. */
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
