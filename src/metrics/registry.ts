import type { Registry } from 'prom-client';
import { metrics } from './recorders.js';

export { metrics } from './recorders.js';

let processMetrics = false;
/** Process and event-loop metrics, for the proxy command only; they start with the registry, on the first scrape. */
export function collectProcessMetrics(): void {
  processMetrics = true;
}

let loaded: Promise<Registry> | undefined;

/**
 * The prom-client registry behind /stats/prometheus, built on the first scrape: prom-client keeps the job
 * of rendering the exposition format and Node's process metrics, and its loading stays off the start path.
 * Each metric copies its recorder's samples at every scrape.
 */
export function agentRegistry(): Promise<Registry> {
  loaded ??= import('prom-client').then(({ Counter, Gauge, Registry, collectDefaultMetrics }) => {
    const registry = new Registry();
    for (const recorder of Object.values(metrics)) {
      const { name, help, type, labelNames = [] } = recorder.definition;
      const Metric = type === 'counter' ? Counter : Gauge;
      new Metric({
        name,
        help,
        labelNames,
        registers: [registry],
        collect(this: InstanceType<typeof Counter | typeof Gauge>) {
          this.reset();
          for (const s of recorder.get().values) {
            if (this instanceof Gauge) this.set(s.labels, s.value);
            else (this as InstanceType<typeof Counter>).inc(s.labels, s.value);
          }
        },
      });
    }
    if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'istio_agent_' });
    return registry;
  });
  return loaded;
}
