// Envoy 1.40's two start-up warnings about the global limit on downstream connections: one for the deprecated
// runtime key (which the agent's bundled bootstrap sets), one whenever the resource monitor is not configured.

import { field, isObject, type JsonObject } from './json-access.js';

const monitor = 'envoy.resource_monitors.global_downstream_max_connections';
const runtimeKey = 'overload.global_downstream_max_connections';

/** A static layer's keys as Envoy reads them: nested objects flattened with dots ({a: {b: 1}} is "a.b"). */
function flatKeys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k));
}

function staticLayersSet(bootstrap: JsonObject, key: string): boolean {
  const runtime = field(bootstrap, 'layered_runtime');
  const layers = isObject(runtime) ? field(runtime, 'layers') : undefined;
  return (Array.isArray(layers) ? layers : []).some((layer) => isObject(layer) && flatKeys(field(layer, 'static_layer')).includes(key));
}

export function connectionLimitWarnings(bootstrap: JsonObject): string[] {
  const warnings: string[] = [];
  if (staticLayersSet(bootstrap, runtimeKey)) {
    warnings.push(`Usage of the deprecated runtime key ${runtimeKey}, consider switching to \`${monitor}\` instead.This runtime key will be removed in future.`);
  }
  const overload = field(bootstrap, 'overload_manager');
  const monitors = isObject(overload) ? field(overload, 'resource_monitors') : undefined;
  if (!(Array.isArray(monitors) ? monitors : []).some((m) => isObject(m) && field(m, 'name') === monitor)) {
    warnings.push(`There is no configured limit to the number of allowed active downstream connections. Configure a limit in \`${monitor}\` resource monitor.`);
  }
  return warnings;
}
