// An inline route_config: virtual hosts with domains, routes matching by prefix or path that go
// to a cluster or return a direct_response. Routes to unknown clusters are rejected unless
// validate_clusters is false, as in Envoy.

import { ConfigError } from './config-error.js';
import { field, isObject, list, message, str, typeError, type JsonObject } from './json-access.js';

export type RouteAction =
  | { readonly kind: 'cluster'; readonly cluster: string; readonly prefixRewrite?: string }
  | { readonly kind: 'direct'; readonly status: number; readonly body?: string };

export interface Route {
  readonly prefix?: string;
  readonly path?: string;
  readonly caseSensitive: boolean;
  readonly action: RouteAction;
}

export interface VirtualHost {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly Route[];
}

export interface RouteTable {
  readonly virtualHosts: readonly VirtualHost[];
}

function readAction(route: JsonObject, where: string, clusters: ReadonlySet<string> | undefined): RouteAction {
  const target = message(route, 'route', where);
  if (target) {
    const cluster = str(target, 'cluster', `${where}.route`) ?? '';
    if (clusters && !clusters.has(cluster)) throw new ConfigError(`route: unknown cluster '${cluster}'`);
    const prefixRewrite = str(target, 'prefix_rewrite', `${where}.route`);
    return { kind: 'cluster', cluster, ...(prefixRewrite !== undefined ? { prefixRewrite } : {}) };
  }
  const direct = message(route, 'direct_response', where);
  if (direct) {
    const status = Number(field(direct, 'status') ?? 0);
    if (!Number.isInteger(status) || status < 200 || status >= 600) {
      throw new ConfigError('Proto constraint validation failed (DirectResponseActionValidationError.Status: value must be inside range [200, 600))');
    }
    const body = message(direct, 'body', `${where}.direct_response`);
    const inline = str(body, 'inline_string', `${where}.direct_response.body`);
    return { kind: 'direct', status, ...(inline !== undefined ? { body: inline } : {}) };
  }
  throw new ConfigError(`${where}: the stub supports only route and direct_response actions`);
}

function readRoute(raw: unknown, where: string, clusters: ReadonlySet<string> | undefined): Route {
  if (!isObject(raw)) throw typeError(where, 'an object', raw as never);
  const match = message(raw, 'match', where);
  if (!match) throw new ConfigError('Proto constraint validation failed (RouteValidationError.Match: value is required)');
  const prefix = str(match, 'prefix', `${where}.match`);
  const path = str(match, 'path', `${where}.match`);
  const sensitive = field(match, 'case_sensitive');
  return {
    ...(prefix !== undefined ? { prefix } : {}),
    ...(path !== undefined ? { path } : {}),
    caseSensitive: sensitive !== false,
    action: readAction(raw, where, clusters),
  };
}

export function readRouteConfig(rc: JsonObject | undefined, where: string, clusters: ReadonlySet<string>): RouteTable {
  if (!rc) return { virtualHosts: [] };
  const validate = field(rc, 'validate_clusters') !== false;
  const known = validate ? clusters : undefined;
  const seenDomains = new Set<string>();
  const virtualHosts = list(rc, 'virtual_hosts', where).map((vh, i) => {
    const w = `${where}.virtual_hosts[${i}]`;
    if (!isObject(vh)) throw typeError(w, 'an object', vh);
    const domains = list(vh, 'domains', w).map(String);
    for (const d of domains) {
      if (seenDomains.has(d.toLowerCase())) {
        const route = str(rc, 'name', where) ?? '';
        // Envoy 1.40 words a second "*" its own way (checked in test/differential/validate-corpus.test.ts).
        if (d === '*') throw new ConfigError(`Only a single wildcard domain is permitted in route ${route}`);
        throw new ConfigError(`Only unique values for domains are permitted. Duplicate entry of domain ${d} in route ${route}`);
      }
      seenDomains.add(d.toLowerCase());
    }
    const routes = list(vh, 'routes', w).map((r, j) => readRoute(r, `${w}.routes[${j}]`, known));
    return { name: str(vh, 'name', w) ?? '', domains, routes };
  });
  return { virtualHosts };
}
