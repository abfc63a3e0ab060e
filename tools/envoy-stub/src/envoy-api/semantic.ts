// Checks Envoy makes after parsing, while it builds the server (cluster manager, listeners,
// routes, xDS subscriptions). These read the JSON tree under either spelling of each key.
import { isIP } from 'node:net';
import { type At, type Ctx, issue } from './context.js';
import { type JNode, getField, strValue, arrayItems, keyPath, indexPath, lowerCamel } from './json-tree.js';
import type { MessageInfo } from './schema.js';

const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

function semantic(ctx: Ctx, path: string, node: JNode | undefined, message: string): void {
  ctx.errors.push(issue('SEMANTIC', { path, node, chain: [] }, message));
}

/** Field path under the spelling the document used (snake_case or lowerCamel). */
function sub(obj: JNode | undefined, base: string, snake: string): { node?: JNode; path: string } {
  if (obj?.t === 'object') {
    const e = obj.entries.find((x) => x.key === snake || x.key === lowerCamel(snake));
    if (e) return { node: e.value, path: keyPath(base, e.key) };
  }
  return { path: keyPath(base, snake) };
}

/**
 * Extensions are looked up by their typed_config's type URL (name lookup is gone since Envoy
 * 1.22), so `{name: ...}` without a typed_config fails when the extension is instantiated.
 */
export function checkExtension(ctx: Ctx, info: MessageInfo, set: Map<string, JNode>, at: At): void {
  const tc = info.byJsonKey.get('typed_config');
  const nameField = info.byJsonKey.get('name');
  if (!tc || tc.type !== 'google.protobuf.Any' || nameField?.type !== 'string') return;
  const name = strValue(set.get('name'));
  if (!name) return;
  const typed = set.get('typed_config');
  if (typed?.t === 'object' && typed.entries.length > 0) return;
  const others = tc.oneof ? (info.oneofs.get(tc.oneof) ?? []).filter((f) => f.name !== 'typed_config') : [];
  if (others.some((f) => set.has(f.name))) return; // e.g. config_discovery
  if (set.get('is_optional')?.t === 'bool' && (set.get('is_optional') as { v: boolean }).v) return;
  semantic(ctx, keyPath(at.path, 'typed_config'), at.node, `Didn't find a registered implementation for '${name}' with type URL: ''`);
}

/** Envoy 1.40 adds the resolver hint for cluster endpoints only, not for listener and admin addresses. */
function checkIp(ctx: Ctx, addrHolder: JNode | undefined, base: string, hint = false): void {
  const sa = sub(addrHolder, base, 'socket_address');
  if (!sa.node) return;
  const addr = sub(sa.node, sa.path, 'address');
  const value = strValue(addr.node);
  if (value === undefined || isIP(value) || strValue(getField(sa.node, 'resolver_name'))) return;
  const advice = hint ? ". Consider setting resolver_name or setting cluster type to 'STRICT_DNS' or 'LOGICAL_DNS'" : '';
  semantic(ctx, addr.path, addr.node, `malformed IP address: ${value}${advice}`);
}

function clusterType(c: JNode): string | undefined {
  if (getField(c, 'cluster_type')) return undefined; // custom cluster: its own rules
  const t = getField(c, 'type');
  if (t?.t === 'number') return ['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'][t.v];
  return (strValue(t) ?? 'STATIC').toUpperCase(); // STATIC is the enum's zero value
}

export function checkBootstrap(ctx: Ctx, root: JNode): void {
  const sr = sub(root, '', 'static_resources');
  const clusters = sub(sr.node, sr.path, 'clusters');
  const listeners = sub(sr.node, sr.path, 'listeners');
  const names = new Map<string, string>(); // cluster name -> type
  arrayItems(clusters.node).forEach((c, i) => {
    const p = indexPath(clusters.path, i);
    const n = sub(c, p, 'name');
    const name = strValue(n.node);
    if (name !== undefined && names.has(name)) semantic(ctx, n.path, n.node, `cluster manager: duplicate cluster '${name}'`);
    if (name !== undefined) names.set(name, clusterType(c) ?? 'CUSTOM');
    if (clusterType(c) !== 'STATIC') return;
    const la = sub(c, p, 'load_assignment');
    const eps = sub(la.node, la.path, 'endpoints');
    arrayItems(eps.node).forEach((ep, j) => {
      const lbs = sub(ep, indexPath(eps.path, j), 'lb_endpoints');
      arrayItems(lbs.node).forEach((lb, k) => {
        const endpoint = sub(lb, indexPath(lbs.path, k), 'endpoint');
        const addr = sub(endpoint.node, endpoint.path, 'address');
        checkIp(ctx, addr.node, addr.path, true);
      });
    });
  });
  // Two static listeners with one name are no error (Envoy 1.40 serves the first), so no name check here.
  arrayItems(listeners.node).forEach((l, i) => {
    const p = indexPath(listeners.path, i);
    const addr = sub(l, p, 'address');
    checkIp(ctx, addr.node, addr.path);
    const extra = sub(l, p, 'additional_addresses');
    arrayItems(extra.node).forEach((a, j) => {
      const inner = sub(a, indexPath(extra.path, j), 'address');
      checkIp(ctx, inner.node, inner.path);
    });
    checkRoutes(ctx, l, p, names);
  });
  const admin = sub(root, '', 'admin');
  const adminAddr = sub(admin.node, admin.path, 'address');
  if (adminAddr.node) checkIp(ctx, adminAddr.node, adminAddr.path);
  else ctx.warnings.push(issue('NOTICE', { path: admin.path, node: admin.node, chain: [] }, 'No admin address given, so no admin HTTP server started.'));
  checkXds(ctx, root, names);
}

function checkRoutes(ctx: Ctx, listener: JNode, base: string, clusters: Map<string, string>): void {
  const chains = sub(listener, base, 'filter_chains');
  const all = arrayItems(chains.node).map((fc, i) => ({ node: fc, path: indexPath(chains.path, i) }));
  const dfc = sub(listener, base, 'default_filter_chain');
  if (dfc.node) all.push({ node: dfc.node, path: dfc.path });
  for (const fc of all) {
    const filters = sub(fc.node, fc.path, 'filters');
    arrayItems(filters.node).forEach((f, i) => {
      const tc = sub(f, indexPath(filters.path, i), 'typed_config');
      if (!strValue(getField(tc.node, '@type'))?.endsWith(`/${HCM}`)) return;
      const rc = sub(tc.node, tc.path, 'route_config');
      if (!rc.node || getField(rc.node, 'validate_clusters')?.t === 'bool' && (getField(rc.node, 'validate_clusters') as { v: boolean }).v === false) return;
      const vhs = sub(rc.node, rc.path, 'virtual_hosts');
      arrayItems(vhs.node).forEach((vh, j) => {
        const routes = sub(vh, indexPath(vhs.path, j), 'routes');
        arrayItems(routes.node).forEach((r, k) => checkRouteAction(ctx, sub(r, indexPath(routes.path, k), 'route'), clusters));
      });
    });
  }
}

/** Static listeners are built before CDS delivers anything, so only static clusters count. */
function checkRouteAction(ctx: Ctx, action: { node?: JNode; path: string }, clusters: Map<string, string>): void {
  const c = sub(action.node, action.path, 'cluster');
  const name = strValue(c.node);
  if (name && !clusters.has(name)) semantic(ctx, c.path, c.node, `route: unknown cluster '${name}'`);
  const wc = sub(action.node, action.path, 'weighted_clusters');
  const list = sub(wc.node, wc.path, 'clusters');
  arrayItems(list.node).forEach((w, i) => {
    const n = sub(w, indexPath(list.path, i), 'name');
    const wname = strValue(n.node);
    if (wname && !clusters.has(wname)) semantic(ctx, n.path, n.node, `route: unknown weighted cluster '${wname}'`);
  });
}

function checkXds(ctx: Ctx, root: JNode, clusters: Map<string, string>): void {
  const dyn = sub(root, '', 'dynamic_resources');
  if (!dyn.node) return;
  const sources: { who: string; node?: JNode; path: string }[] = [];
  const ads = sub(dyn.node, dyn.path, 'ads_config');
  if (ads.node) sources.push({ who: 'ads', ...ads });
  for (const key of ['cds_config', 'lds_config']) {
    const cs = sub(dyn.node, dyn.path, key);
    if (!cs.node) continue;
    const api = sub(cs.node, cs.path, 'api_config_source');
    if (api.node) sources.push({ who: key.slice(0, 3), ...api });
    else if (getField(cs.node, 'ads') && !ads.node) sources.push({ who: key.slice(0, 3), ...cs });
  }
  if (sources.length === 0) return;
  const node = sub(root, '', 'node');
  const hasNode = strValue(getField(node.node, 'id')) && strValue(getField(node.node, 'cluster'));
  if (!hasNode && !ctx.opts.cliProvidesNode) {
    const who = (sources[0] as { who: string }).who;
    semantic(ctx, node.path, node.node ?? root, `${who}: node 'id' and 'cluster' are required. Set it either in 'node' config or via --service-node and --service-cluster options.`);
  }
  for (const src of sources) {
    const grpc = sub(src.node, src.path, 'grpc_services');
    arrayItems(grpc.node).forEach((g, i) => {
      const eg = sub(g, indexPath(grpc.path, i), 'envoy_grpc');
      const cn = sub(eg.node, eg.path, 'cluster_name');
      const name = strValue(cn.node);
      if (name === undefined || (clusters.has(name) && clusters.get(name) !== 'EDS')) return;
      semantic(ctx, cn.path, cn.node, `envoy.config.core.v3.ApiConfigSource must have a statically defined non-EDS cluster: '${name}' does not exist, was added via api, or is an EDS cluster`);
    });
  }
}
