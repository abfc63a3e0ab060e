import { zombiesReapedTotal } from '../init/index.js';
import { agentVersion } from '../version.js';

export type Labels = Readonly<Record<string, string>>;
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

export interface MetricDefinition {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly labelNames?: readonly string[];
  /**
   * The label values known in advance, exported at 0 from the start: a series that appears only with its first
   * event makes `rate()` and `increase()` miss that event, and an alert on it never fires the first time.
   */
  readonly knownLabels?: readonly Labels[];
  /** A value kept elsewhere, read when the metric is exported (instead of recorded here). */
  readonly readAtExport?: () => number;
}

/**
 * One counter or gauge, recorded in plain memory. prom-client renders them, but it is loaded on the
 * first scrape only (~55 ms of loading with @opentelemetry/api, off the start path), so the agent records
 * here from its first moment and registry.ts copies the samples into prom-client at every scrape.
 */
export class Recorder {
  readonly #samples = new Map<string, { labels: Labels; value: number }>();

  readonly definition: MetricDefinition;

  constructor(definition: MetricDefinition) {
    this.definition = definition;
    for (const labels of definition.knownLabels ?? []) this.#sample(labels);
  }

  inc(labels?: Labels, by = 1): void {
    const s = this.#sample(labels);
    s.value += by;
  }

  set(labelsOrValue: Labels | number, value?: number): void {
    if (typeof labelsOrValue === 'number') this.#sample(undefined).value = labelsOrValue;
    else this.#sample(labelsOrValue).value = value ?? 0;
  }

  /** Every series recorded so far (prom-client's shape, so tests read both the same way). */
  get(): { values: Sample[] } {
    const read = this.definition.readAtExport;
    if (read) return { values: [{ labels: {}, value: read() }] };
    return { values: [...this.#samples.values()].map((s) => ({ labels: s.labels, value: s.value })) };
  }

  #sample(labels: Labels | undefined): { labels: Labels; value: number } {
    const key = labels ? JSON.stringify(Object.entries(labels).sort()) : '';
    let s = this.#samples.get(key);
    if (!s) this.#samples.set(key, (s = { labels: labels ? { ...labels } : {}, value: 0 }));
    return s;
  }
}

/** A counter; a label's known values (`{ reason: ['crash', …] }`) are exported at 0 from the start. */
const counter = (name: string, help: string, known?: Readonly<Record<string, readonly string[]>>, readAtExport?: () => number): Recorder =>
  new Recorder({ name, help, type: 'counter', ...labelled(known), readAtExport });
const gauge = (name: string, help: string, labelNames?: readonly string[]): Recorder => new Recorder({ name, help, type: 'gauge', labelNames });

function labelled(known: Readonly<Record<string, readonly string[]>> | undefined): Pick<MetricDefinition, 'labelNames' | 'knownLabels'> {
  if (!known) return {};
  const [name, values] = Object.entries(known)[0]!;
  return { labelNames: [name], knownLabels: values.map((v) => ({ [name]: v })) };
}

const buildInfo = gauge('istio_agent_build_info', 'Always 1: the agent version and the Node.js runtime it runs on, as labels.', ['version', 'node_version']);
buildInfo.set({ version: agentVersion, node_version: process.version }, 1);

// Everything the agent records; the status server exposes it on /stats/prometheus ahead of envoy's and
// the application's metrics. Names carry the istio_agent_ prefix.
export const metrics = {
  envoyStarts: counter('istio_agent_envoy_starts_total', 'Envoy processes started, any epoch.'),
  envoyRestarts: counter(
    'istio_agent_envoy_restarts_total',
    'Envoy restarts by reason: crash (cold, after back-off), hot_restart (new epoch), cold_restart (reload that needed epoch 0).',
    { reason: ['crash', 'hot_restart', 'cold_restart'] },
  ),
  envoyExits: counter('istio_agent_envoy_exits_total', 'Envoy exits by outcome.', { outcome: ['clean', 'error', 'signal', 'spawn_failed'] }),
  envoyEpoch: gauge('istio_agent_envoy_epoch', 'Restart epoch of the newest running envoy; -1 when none runs.'),
  envoyLive: gauge('istio_agent_envoy_live', '1 while an envoy epoch is LIVE and the agent is not draining.'),
  reloadsRejected: counter('istio_agent_reloads_rejected_total', 'New bootstraps rejected (render or envoy --mode validate failed); the running envoy kept serving.'),
  // The reaper keeps its own count (it runs before anything else is loaded).
  zombiesReaped: counter('istio_agent_zombies_reaped_total', 'Orphaned processes reaped by the agent as PID 1 or subreaper.', undefined, zombiesReapedTotal),
  certReloads: counter(
    'istio_agent_cert_reloads_total',
    'Certificate changes seen, by result: applied (hot restart requested), invalid (rejected), unchanged (same contents).',
    { result: ['applied', 'invalid', 'unchanged'] },
  ),
  certExpiry: gauge('istio_agent_cert_expiry_timestamp_seconds', 'notAfter of each watched certificate, as a Unix timestamp.', ['file']),
  sdsStreams: gauge('istio_agent_sds_streams', 'SDS streams open from envoy (one per secret subscription, per epoch).'),
  sdsPushes: counter('istio_agent_sds_pushes_total', 'SDS responses sent to envoy (first answers and rotations).'),
  sdsNacks: counter('istio_agent_sds_nacks_total', 'SDS responses envoy rejected (NACK); it keeps serving the secret it had.'),
  scrapeFailures: counter('istio_agent_scrape_failures_total', 'Failures while merging metrics from a source (envoy, application).', { source: ['envoy', 'application'] }),
  buildInfo,
  scrapesAbandoned: counter(
    'istio_agent_scrapes_abandoned_total',
    'Metric scrapes whose client hung up before the end (a scrape timeout); what the sources were still sending was dropped.',
  ),
};
