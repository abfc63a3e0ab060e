// Kubernetes resource quantities, only as far as injection needs them: the proxy's CPU in cores,
// which becomes envoy's --concurrency (Istio rounds the limit, else the request, up to whole cores).

const decimalSuffix: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const binarySuffix: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** The quantity's value (cores for CPU), or undefined when it is not a Kubernetes quantity. */
export function parseQuantity(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return base * (binarySuffix[suffix] ?? decimalSuffix[suffix]!);
}

/** Whole cores for envoy's worker threads: ceil(limit), else ceil(request), else 0 (envoy decides). */
export function concurrencyFromCpu(limit: string | number | undefined, request: string | number | undefined): number {
  for (const q of [limit, request]) {
    if (q === undefined) continue;
    const cores = parseQuantity(q);
    if (cores !== undefined && cores > 0) return Math.ceil(cores - 1e-9);
  }
  return 0;
}
