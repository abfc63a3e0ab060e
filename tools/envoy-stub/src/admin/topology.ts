// GET /listeners and GET /clusters, text and ?format=json (minimal but real shapes).

import { formatAddress } from '../config/addresses.js';
import { JSON_TYPE, type AdminContext, type AdminResponse } from './admin-context.js';

export function listeners(ctx: AdminContext, params: URLSearchParams): AdminResponse {
  const active = ctx.listeners.listeners.filter((l) => l.bound);
  if (params.get('format') === 'json') {
    const listener_statuses = active.map((l) => ({
      name: l.config.name,
      local_address: { socket_address: { address: l.bound!.address, port_value: l.bound!.port } },
    }));
    return { status: 200, body: JSON.stringify({ listener_statuses }), contentType: JSON_TYPE };
  }
  return { status: 200, body: active.map((l) => `${l.config.name}::${formatAddress(l.bound!)}\n`).join('') };
}

const CIRCUIT_BREAKERS = ['max_connections::1024', 'max_pending_requests::1024', 'max_requests::1024', 'max_retries::3'];

export function clusters(ctx: AdminContext, params: URLSearchParams): AdminResponse {
  const stat = (name: string) => Number(ctx.stats.value(name) ?? 0);
  if (params.get('format') === 'json') {
    const cluster_statuses = ctx.model.clusters.map((c) => ({
      name: c.name,
      observability_name: c.name,
      added_via_api: false,
      host_statuses: c.endpoints.map((e) => ({
        address: { socket_address: { address: e.address, port_value: e.port } },
        stats: [],
        health_status: { eds_health_status: 'HEALTHY' },
        weight: 1,
        locality: {},
      })),
    }));
    return { status: 200, body: JSON.stringify({ cluster_statuses }), contentType: JSON_TYPE };
  }
  let out = '';
  for (const c of ctx.model.clusters) {
    out += `${c.name}::observability_name::${c.name}\n`;
    for (const p of ['default_priority', 'high_priority']) for (const b of CIRCUIT_BREAKERS) out += `${c.name}::${p}::${b}\n`;
    out += `${c.name}::added_via_api::false\n`;
    for (const e of c.endpoints) {
      const h = `${c.name}::${formatAddress(e)}`;
      out += `${h}::cx_active::0\n${h}::cx_connect_fail::${stat(`cluster.${c.name}.upstream_cx_connect_fail`)}\n`;
      out += `${h}::cx_total::${stat(`cluster.${c.name}.upstream_cx_total`)}\n${h}::rq_active::0\n`;
      out += `${h}::rq_total::${stat(`cluster.${c.name}.upstream_rq_total`)}\n`;
      out += `${h}::hostname::\n${h}::health_flags::healthy\n${h}::weight::1\n`;
      out += `${h}::region::\n${h}::zone::\n${h}::sub_zone::\n${h}::canary::false\n${h}::priority::0\n`;
      out += `${h}::success_rate::-1\n${h}::local_origin_success_rate::-1\n`;
    }
  }
  return { status: 200, body: out };
}
