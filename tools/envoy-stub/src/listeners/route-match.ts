// Picking a virtual host by Host header and a route by path, with Envoy's precedence:
// exact domain, then suffix wildcards ("*.foo.com", longest first), then prefix wildcards
// ("foo.*", longest first), then "*". Routes are tried in order, first match wins.

import type { Route, RouteTable, VirtualHost } from '../config/routes.js';

export function findVirtualHost(table: RouteTable, hostHeader: string): VirtualHost | undefined {
  const host = hostHeader.toLowerCase();
  let exact: VirtualHost | undefined;
  let suffix: [number, VirtualHost] | undefined;
  let prefix: [number, VirtualHost] | undefined;
  let any: VirtualHost | undefined;
  for (const vh of table.virtualHosts) {
    for (const raw of vh.domains) {
      const d = raw.toLowerCase();
      if (d === '*') {
        any ??= vh;
      } else if (d.startsWith('*')) {
        const tail = d.slice(1);
        if (host.endsWith(tail) && host.length > tail.length && (!suffix || tail.length > suffix[0])) suffix = [tail.length, vh];
      } else if (d.endsWith('*')) {
        const head = d.slice(0, -1);
        if (host.startsWith(head) && host.length > head.length && (!prefix || head.length > prefix[0])) prefix = [head.length, vh];
      } else if (d === host) {
        exact ??= vh;
      }
    }
  }
  return exact ?? suffix?.[1] ?? prefix?.[1] ?? any;
}

export function findRoute(vh: VirtualHost, url: string): Route | undefined {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  return vh.routes.find((r) => {
    const p = r.caseSensitive ? path : path.toLowerCase();
    if (r.path !== undefined) return p === (r.caseSensitive ? r.path : r.path.toLowerCase());
    if (r.prefix !== undefined) return p.startsWith(r.caseSensitive ? r.prefix : r.prefix.toLowerCase());
    return false;
  });
}
